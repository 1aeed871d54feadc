import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/open.js';

const cache = new WeakMap<Db, Map<string, unknown>>();

/**
 * prep(db, ) with the statement kept per connection: assembly runs a dozen
 * queries per message, and compiling them each time cost more than running them.
 */
export function prep<P extends unknown[] | object = unknown[], R = unknown>(
  db: Db,
  sql: string,
): Statement<P, R> {
  let statements = cache.get(db);
  if (!statements) {
    statements = new Map();
    cache.set(db, statements);
  }
  let statement = statements.get(sql) as Statement<P, R> | undefined;
  if (!statement) {
    statement = db.prepare<P, R>(sql);
    statements.set(sql, statement);
  }
  return statement;
}

/** A series row as SQLite returns it. */
export interface SeriesRow {
  id: number;
  version: number;
  version_inferred: number;
  name: string;
  submitter_name: string;
  submitter_addr: string;
  total: number;
  tree_tag: string | null;
  rfc: number;
  resend: number;
  cover_message_id: string | null;
  base_commit: string | null;
  change_id: string | null;
  first_date: string | null;
  complete: number;
  previous_id: number | null;
  superseded_by: number | null;
  patchwork_id: number | null;
  patchwork_url: string | null;
  patchwork_delegate: string | null;
  held_reason: string | null;
}

export interface PatchRow {
  series_id: number;
  idx: number;
  message_id: string;
  inherited_from: number | null;
  patchwork_id: number | null;
  patchwork_url: string | null;
}

export function seriesRow(db: Db, id: number): SeriesRow | undefined {
  return prep<[number], SeriesRow>(db, 'SELECT * FROM series WHERE id = ?').get(id);
}

export function patchRows(db: Db, seriesId: number): PatchRow[] {
  return prep<[number], PatchRow>(
    db,
    'SELECT * FROM series_patches WHERE series_id = ? ORDER BY idx',
  ).all(seriesId);
}

/** Series that list this Message-ID as one of theirs (cover, patch, or awaited cover). */
export function seriesByRef(db: Db, messageId: string): SeriesRow[] {
  return prep<[string], SeriesRow>(
    db,
    `SELECT s.* FROM series_refs r JOIN series s ON s.id = r.series_id
       WHERE r.message_id = ? ORDER BY s.id DESC`,
  ).all(messageId);
}

export function isKnownId(db: Db, messageId: string): boolean {
  const known = prep<[string, string], { one: number }>(
    db,
    `SELECT 1 AS one FROM messages WHERE message_id = ?
       UNION ALL SELECT 1 FROM series_refs WHERE message_id = ? LIMIT 1`,
  ).get(messageId, messageId);
  return known !== undefined;
}
