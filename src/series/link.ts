import type { Db } from '../db/open.js';
import { type SeriesRow, seriesRow } from './rows.js';

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
  const group = db
    .prepare<unknown[], SeriesRow>(
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
  const stale = db
    .prepare<[number, number], { id: number }>(
      'SELECT id FROM series WHERE previous_id = ? OR superseded_by = ?',
    )
    .all(id, id)
    .filter((r) => !group.some((g) => g.id === r.id));
  const changed: number[] = [];
  const set = db.prepare(
    'UPDATE series SET previous_id = ?, superseded_by = ? WHERE id = ? AND (previous_id IS NOT ? OR superseded_by IS NOT ?)',
  );
  for (const r of stale) {
    db.prepare(
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
  return db
    .prepare<{ id: number; version: number }, SeriesRow>(
      `WITH owned(sid, mid) AS (
         SELECT series_id, message_id FROM series_patches WHERE inherited_from IS NULL
         UNION SELECT id, cover_message_id FROM series WHERE cover_message_id IS NOT NULL),
       edges(a, b) AS (
         SELECT o.sid, p.sid FROM owned o JOIN messages m ON m.message_id = o.mid
         JOIN owned p ON p.mid = m.in_reply_to WHERE o.sid != p.sid)
       SELECT * FROM series WHERE version != @version AND id IN (
         SELECT b FROM edges WHERE a = @id UNION SELECT a FROM edges WHERE b = @id)`,
    )
    .all({ id: s.id, version: s.version });
}
