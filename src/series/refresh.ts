import type { Db } from '../db/open.js';
import { parseSubject } from '../mail/subject.js';
import { patchRows, prep, type SeriesRow, seriesRow } from './rows.js';

interface MessageFacts {
  message_id: string;
  subject: string;
  date: string | null;
  in_reply_to: string | null;
}

function facts(db: Db, ids: string[]): MessageFacts[] {
  const get = prep<[string], MessageFacts>(
    db,
    'SELECT message_id, subject, date, in_reply_to FROM messages WHERE message_id = ?',
  );
  return ids.flatMap((id) => get.get(id) ?? []);
}

/**
 * Recomputes what a series revision derives from its messages: its name (the
 * cover letter's subject, else the first patch's, as Patchwork names series),
 * its first date, missing slots a partial re-roll takes from the previous
 * revision, and whether all N patches are there.
 */
export function refreshSeries(db: Db, id: number, now: string): void {
  const s = seriesRow(db, id);
  if (!s) return;
  fillPartialReroll(db, s);
  const patches = patchRows(db, id);
  const own = facts(
    db,
    patches.filter((p) => p.inherited_from === null).map((p) => p.message_id),
  );
  const cover = s.cover_message_id ? facts(db, [s.cover_message_id])[0] : undefined;
  const titled = cover ?? own[0];
  // A partial re-roll without a cover is still the previous revision's work.
  const inherited = patches.some((p) => p.inherited_from !== null);
  const previous =
    inherited && !cover && s.previous_id !== null ? seriesRow(db, s.previous_id) : undefined;
  const name = previous?.name ?? (titled ? parseSubject(titled.subject).subject || s.name : s.name);
  const dates = [cover, ...own].flatMap((m) => (m?.date ? [m.date] : [])).sort();
  const filled = new Set(patches.map((p) => p.idx));
  let complete = s.total > 0;
  for (let i = 1; i <= s.total; i++) if (!filled.has(i)) complete = false;
  prep(
    db,
    `UPDATE series SET name = ?, first_date = COALESCE(?, first_date), complete = ?, updated_at = ?
     WHERE id = ?`,
  ).run(name, dates[0] ?? null, Number(complete), now, id);
}

/**
 * b4's partial re-roll: when vN resends only some patches, each as a reply to
 * the same-numbered patch of v(N-1), the untouched patches are taken from
 * v(N-1). Only when the totals agree and the thread shows it is a re-roll.
 */
function fillPartialReroll(db: Db, s: SeriesRow): void {
  if (s.previous_id === null || s.cover_message_id !== null) return;
  const prev = seriesRow(db, s.previous_id);
  if (!prev || prev.total !== s.total) return;
  const prevPatches = patchRows(db, prev.id);
  const prevIds = new Set(prevPatches.map((p) => p.message_id));
  const mine = patchRows(db, s.id);
  const own = facts(
    db,
    mine.filter((p) => p.inherited_from === null).map((p) => p.message_id),
  );
  if (!own.some((m) => m.in_reply_to && prevIds.has(m.in_reply_to))) return;
  const taken = new Set(mine.map((p) => p.idx));
  const insert = prep(
    db,
    'INSERT INTO series_patches (series_id, idx, message_id, inherited_from) VALUES (?, ?, ?, ?)',
  );
  for (const p of prevPatches) {
    if (!taken.has(p.idx)) insert.run(s.id, p.idx, p.message_id, prev.id);
  }
}
