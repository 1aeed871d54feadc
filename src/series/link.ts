import type { Db } from '../db/open.js';
import { prep, type SeriesRow, seriesRow } from './rows.js';

/** Subjects compare case- and spacing-insensitively, as a re-roll may fix a typo in case. */
export function normalizeName(name: string): string {
  return name
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/[.\s]+$/, '')
    .trim();
}

/**
 * Links the revisions of one piece of work: same submitter and same
 * normalised name, or the same b4 change-id, or a thread that says so (a v3
 * cover or patch posted as a reply to the v2 one, as `--in-reply-to` and
 * partial re-rolls do). They are chained by version
 * (then by posting order, so a RESEND supersedes what it resends): each
 * revision points at the one before and is superseded by the one after.
 * Returns the ids whose links changed.
 */
export function linkRevisions(db: Db, id: number): number[] {
  const s = seriesRow(db, id);
  if (!s) return [];
  const group = prep<unknown[], SeriesRow>(
    db,
    `SELECT * FROM series WHERE submitter_addr = ? OR (change_id IS NOT NULL AND change_id = ?)
         OR id = ?`,
  )
    .all(s.submitter_addr, s.change_id, id)
    .filter(
      (r) =>
        r.id === id ||
        (s.change_id !== null && r.change_id === s.change_id) ||
        (r.submitter_addr === s.submitter_addr && normalizeName(r.name) === normalizeName(s.name)),
    );
  for (const r of threadRelated(db, s)) if (!group.some((g) => g.id === r.id)) group.push(r);
  // Series that pointed at this one but no longer belong with it (its name changed).
  const stale = prep<[number, number], { id: number }>(
    db,
    'SELECT id FROM series WHERE previous_id = ? OR superseded_by = ?',
  )
    .all(id, id)
    .filter((r) => !group.some((g) => g.id === r.id));
  const changed: number[] = [];
  const set = prep(
    db,
    'UPDATE series SET previous_id = ?, superseded_by = ? WHERE id = ? AND (previous_id IS NOT ? OR superseded_by IS NOT ?)',
  );
  for (const r of stale) {
    prep(
      db,
      'UPDATE series SET previous_id = NULLIF(previous_id, ?), superseded_by = NULLIF(superseded_by, ?) WHERE id = ?',
    ).run(id, id, r.id);
    changed.push(r.id);
  }
  const chain = group.sort((a, b) => a.version - b.version || byDate(a, b) || a.id - b.id);
  chain.forEach((r, i) => {
    const prev = chain[i - 1]?.id ?? null;
    const next = chain[i + 1]?.id ?? null;
    if (set.run(prev, next, r.id, prev, next).changes > 0) changed.push(r.id);
  });
  if (stale.length > 0) changed.push(id);
  return changed;
}

function byDate(a: SeriesRow, b: SeriesRow): number {
  return a.first_date && b.first_date ? a.first_date.localeCompare(b.first_date) : 0;
}

/** Revisions of another version whose cover or patches this one replies to, or that reply to it. */
function threadRelated(db: Db, s: SeriesRow): SeriesRow[] {
  // Written so that every step is an index lookup: this runs on every ingest.
  return prep<{ id: number; version: number }, SeriesRow>(
    db,
    `WITH mine(mid) AS (
         SELECT message_id FROM series_patches WHERE series_id = @id AND inherited_from IS NULL
         UNION SELECT cover_message_id FROM series WHERE id = @id AND cover_message_id IS NOT NULL),
       near(mid) AS (
         SELECT m.in_reply_to FROM messages m JOIN mine ON m.message_id = mine.mid
           WHERE m.in_reply_to IS NOT NULL
         UNION SELECT m.message_id FROM messages m JOIN mine ON m.in_reply_to = mine.mid)
       SELECT * FROM series WHERE version != @version AND id IN (
         SELECT p.series_id FROM series_patches p JOIN near ON p.message_id = near.mid
           WHERE p.inherited_from IS NULL
         UNION SELECT c.id FROM series c JOIN near ON c.cover_message_id = near.mid)`,
  ).all({ id: s.id, version: s.version });
}
