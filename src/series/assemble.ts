import type { Db } from '../db/open.js';
import type { ParsedMessage } from '../mail/parse.js';
import { parseSeriesMeta } from '../mail/trailers.js';
import { isKnownId, prep, type SeriesRow, seriesByRef } from './rows.js';

/** Patchwork's SERIES_DELAY_INTERVAL: unthreaded patches this close together may belong together. */
const UNTHREADED_WINDOW_MS = 20 * 60 * 1000;

/**
 * Puts a stored patch or cover letter into its series revision, creating the
 * revision if needed, and returns its id. The rules are Patchwork's parser.py
 * and b4's LoreMailbox: first the thread (the message's own id, its
 * In-Reply-To, then its References, nearest first, as recorded series refs,
 * same version), then for unthreaded mail the same submitter, version and
 * total within 20 minutes with that slot still free, else a new revision.
 * The first message for a slot wins; a later different one never replaces it,
 * is kept aside, and holds the series back from testing (it is ambiguous).
 */
export function placeMessage(db: Db, msg: ParsedMessage, now: string): number {
  const index = msg.kind === 'cover' ? 0 : msg.subjectInfo.index;
  const series = byThread(db, msg) ?? byMarkers(db, msg, index) ?? createSeries(db, msg, now);
  registerRefs(db, series.id, msg);
  if (series.version_inferred === 1 && !msg.subjectInfo.versionInferred) {
    prep(db, 'UPDATE series SET version = ?, version_inferred = 0 WHERE id = ?').run(
      msg.subjectInfo.version,
      series.id,
    );
  }
  if (msg.kind === 'cover') {
    prep(db, 'UPDATE series SET cover_message_id = COALESCE(cover_message_id, ?) WHERE id = ?').run(
      msg.messageId,
      series.id,
    );
  } else {
    placePatch(db, series, index, msg);
  }
  if (msg.subjectInfo.odd) holdSeries(db, series.id, msg.subjectInfo.odd);
  const meta = parseSeriesMeta(msg.body);
  prep(
    db,
    `UPDATE series SET base_commit = COALESCE(base_commit, ?), change_id = COALESCE(change_id, ?),
       updated_at = ? WHERE id = ?`,
  ).run(meta.baseCommit ?? null, meta.changeId ?? null, now, series.id);
  return series.id;
}

/**
 * The slot's patch. An inherited one (partial re-roll) gives way to the
 * revision's own; a second own patch for a taken slot is kept aside, never
 * dropped and never swapped in, and the series waits for a new revision.
 */
function placePatch(db: Db, series: SeriesRow, index: number, msg: ParsedMessage): void {
  const taken = prep<[number, number], { message_id: string; inherited_from: number | null }>(
    db,
    'SELECT message_id, inherited_from FROM series_patches WHERE series_id = ? AND idx = ?',
  ).get(series.id, index);
  if (taken && taken.inherited_from === null && taken.message_id !== msg.messageId) {
    prep(
      db,
      'INSERT OR IGNORE INTO series_extra_patches (series_id, idx, message_id) VALUES (?, ?, ?)',
    ).run(series.id, index, msg.messageId);
    const reason = `ambiguous: two patches numbered ${index}/${series.total} (<${taken.message_id}> and <${msg.messageId}>); not tested until a new revision`;
    holdSeries(db, series.id, reason);
    return;
  }
  prep(
    db,
    `INSERT INTO series_patches (series_id, idx, message_id) VALUES (?, ?, ?)
     ON CONFLICT (series_id, idx) DO UPDATE SET message_id = excluded.message_id,
       inherited_from = NULL WHERE inherited_from IS NOT NULL`,
  ).run(series.id, index, msg.messageId);
}

/** Marks a series as shown but not tested; the first reason stays. */
function holdSeries(db: Db, seriesId: number, reason: string): void {
  prep(db, 'UPDATE series SET held_reason = COALESCE(held_reason, ?) WHERE id = ?').run(
    reason,
    seriesId,
  );
}

function byThread(db: Db, msg: ParsedMessage): SeriesRow | undefined {
  const ids = [msg.messageId, msg.inReplyTo, ...[...msg.references].reverse()];
  const seen = new Set<string>();
  for (const id of ids) {
    if (!id || seen.has(id)) continue;
    seen.add(id);
    const match = seriesByRef(db, id).find((s) => sameRevision(s, msg, id === msg.messageId));
    if (match) return match;
  }
  return undefined;
}

/**
 * b4: a patch without `vN` inherits the revision of the thread it is in. The
 * other way round (a series whose patches had no `vN` takes the version of
 * its late cover) only for the very message the series was waiting for: a v2
 * posted as a reply to an unversioned v1 must not be merged into it.
 */
function sameRevision(s: SeriesRow, msg: ParsedMessage, awaited: boolean): boolean {
  const info = msg.subjectInfo;
  const adopt = awaited && s.version_inferred === 1;
  const version = info.versionInferred || adopt || s.version === info.version;
  return version && s.resend === Number(info.resend);
}

function byMarkers(db: Db, msg: ParsedMessage, index: number): SeriesRow | undefined {
  if (!msg.date || msg.inReplyTo) return undefined;
  const at = Date.parse(msg.date);
  const from = new Date(at - UNTHREADED_WINDOW_MS).toISOString();
  const to = new Date(at + UNTHREADED_WINDOW_MS).toISOString();
  const info = msg.subjectInfo;
  return prep<unknown[], SeriesRow>(
    db,
    `SELECT * FROM series s WHERE submitter_addr = ? AND version = ? AND total = ? AND resend = ?
         AND complete = 0 AND first_date BETWEEN ? AND ?
         AND (? = 0 OR cover_message_id IS NULL)
         AND NOT EXISTS (SELECT 1 FROM series_patches p WHERE p.series_id = s.id AND p.idx = ?)
       ORDER BY id DESC LIMIT 1`,
  ).get(
    msg.fromAddr,
    info.version,
    info.total,
    Number(info.resend),
    from,
    to,
    index === 0 ? 1 : 0,
    index,
  );
}

function createSeries(db: Db, msg: ParsedMessage, now: string): SeriesRow {
  const info = msg.subjectInfo;
  return prep<unknown[], SeriesRow>(
    db,
    `INSERT INTO series (version, version_inferred, name, submitter_name, submitter_addr, total,
         tree_tag, rfc, resend, first_date, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
  ).get(
    info.version,
    Number(info.versionInferred),
    info.subject,
    msg.fromName,
    msg.fromAddr,
    info.total,
    info.treeTag ?? null,
    Number(info.rfc),
    Number(info.resend),
    msg.date,
    now,
    now,
  ) as SeriesRow;
}

/**
 * Records the message's own id, and the ids it points at that nobody has
 * seen yet: the cover letter its patches reply to may arrive after them.
 */
function registerRefs(db: Db, seriesId: number, msg: ParsedMessage): void {
  const insert = prep(
    db,
    'INSERT OR IGNORE INTO series_refs (series_id, message_id) VALUES (?, ?)',
  );
  insert.run(seriesId, msg.messageId);
  for (const id of new Set([msg.inReplyTo, ...msg.references])) {
    if (id && id !== msg.messageId && !isKnownId(db, id)) insert.run(seriesId, id);
  }
}
