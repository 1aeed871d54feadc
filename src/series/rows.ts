import type { Db } from '../db/open.js';

/** A series row as SQLite returns it. */
export interface SeriesRow {
  id: number;
  version: number;
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
  return db.prepare<[number], SeriesRow>('SELECT * FROM series WHERE id = ?').get(id);
}

export function patchRows(db: Db, seriesId: number): PatchRow[] {
  return db
    .prepare<[number], PatchRow>('SELECT * FROM series_patches WHERE series_id = ? ORDER BY idx')
    .all(seriesId);
}

/** Series that list this Message-ID as one of theirs (cover, patch, or awaited cover). */
export function seriesByRef(db: Db, messageId: string): SeriesRow[] {
  return db
    .prepare<[string], SeriesRow>(
      `SELECT s.* FROM series_refs r JOIN series s ON s.id = r.series_id
       WHERE r.message_id = ? ORDER BY s.id DESC`,
    )
    .all(messageId);
}

export function isKnownId(db: Db, messageId: string): boolean {
  const known = db
    .prepare<[string, string], { one: number }>(
      `SELECT 1 AS one FROM messages WHERE message_id = ?
       UNION ALL SELECT 1 FROM series_refs WHERE message_id = ? LIMIT 1`,
    )
    .get(messageId, messageId);
  return known !== undefined;
}
