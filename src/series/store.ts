import type { Db } from '../db/open.js';
import { parseSubject } from '../mail/subject.js';
import { rawMailPath } from './raw-store.js';
import { patchRows, prep, type SeriesRow, seriesRow } from './rows.js';
import type { StoredPatch, StoredSeries } from './types.js';

export type { StoredPatch, StoredSeries } from './types.js';

export interface SeriesFilter {
  /** Only series with all N patches. */
  complete?: boolean;
  /** Only revisions no newer revision supersedes. */
  current?: boolean;
  submitterAddr?: string;
  limit?: number;
}

export function loadSeries(db: Db, id: number): StoredSeries | undefined {
  const row = seriesRow(db, id);
  return row ? toStored(db, row) : undefined;
}

/** Series, newest first. */
export function listSeries(db: Db, filter: SeriesFilter = {}): StoredSeries[] {
  const where: string[] = [];
  const args: unknown[] = [];
  if (filter.complete !== undefined) where.push(`complete = ${filter.complete ? 1 : 0}`);
  if (filter.current) where.push('superseded_by IS NULL');
  if (filter.submitterAddr) {
    where.push('submitter_addr = ?');
    args.push(filter.submitterAddr.toLowerCase());
  }
  const sql = `SELECT * FROM series ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY id DESC LIMIT ?`;
  return prep<unknown[], SeriesRow>(db, sql)
    .all(...args, filter.limit ?? -1)
    .map((row) => toStored(db, row));
}

function toStored(db: Db, s: SeriesRow): StoredSeries {
  const cover = s.cover_message_id
    ? prep<[string], { subject: string }>(
        db,
        'SELECT subject FROM messages WHERE message_id = ?',
      ).get(s.cover_message_id)
    : undefined;
  const coverTrailers = s.cover_message_id ? replyTrailers(db, s.cover_message_id) : [];
  const message = prep<[string], { subject: string; raw_path: string }>(
    db,
    'SELECT subject, raw_path FROM messages WHERE message_id = ?',
  );
  const patches = patchRows(db, s.id).map((p): StoredPatch => {
    const m = message.get(p.message_id);
    const trailers = [...coverTrailers];
    for (const t of replyTrailers(db, p.message_id)) {
      if (!trailers.some((x) => x.name === t.name && x.value === t.value)) trailers.push(t);
    }
    return {
      index: p.idx,
      messageId: p.message_id,
      subject: m?.subject ?? '',
      rawPath: m ? rawMailPath(db, m.raw_path) : '',
      ...(p.inherited_from !== null && { inheritedFrom: p.inherited_from }),
      ...(p.patchwork_id !== null && { patchworkId: p.patchwork_id }),
      ...(p.patchwork_url !== null && { patchworkUrl: p.patchwork_url }),
      trailers,
    };
  });
  return {
    id: s.id,
    name: s.name,
    version: s.version,
    submitter: { name: s.submitter_name, addr: s.submitter_addr },
    total: s.total,
    ...(s.tree_tag !== null && { treeTag: s.tree_tag }),
    rfc: s.rfc === 1,
    resend: s.resend === 1,
    ...(s.cover_message_id !== null && { coverMessageId: s.cover_message_id }),
    ...(cover && { coverSubject: cover.subject }),
    ...(s.base_commit !== null && { baseCommit: s.base_commit }),
    ...(s.change_id !== null && { changeId: s.change_id }),
    complete: s.complete === 1,
    ...(s.previous_id !== null && { previousId: s.previous_id }),
    ...(s.superseded_by !== null && { supersededBy: s.superseded_by }),
    ...(s.patchwork_id !== null && { patchworkId: s.patchwork_id }),
    ...(s.patchwork_url !== null && { patchworkUrl: s.patchwork_url }),
    ...(s.patchwork_delegate !== null && { patchworkDelegate: s.patchwork_delegate }),
    ...(s.held_reason !== null && { heldReason: s.held_reason }),
    patches,
    extraPatches: prep<[number], { index: number; messageId: string; subject: string }>(
      db,
      `SELECT x.idx AS "index", x.message_id AS messageId, COALESCE(m.subject, '') AS subject
       FROM series_extra_patches x LEFT JOIN messages m ON m.message_id = x.message_id
       WHERE x.series_id = ? ORDER BY x.idx, x.rowid`,
    ).all(s.id),
  };
}

/** Review trailers from every reply below a message (b4 walks follow-ups by In-Reply-To). */
function replyTrailers(db: Db, messageId: string): { name: string; value: string; from: string }[] {
  return prep<[string], { name: string; value: string; from: string }>(
    db,
    `WITH RECURSIVE below(mid) AS (
         SELECT message_id FROM messages WHERE in_reply_to = ? AND kind = 'reply'
         UNION SELECT m.message_id FROM messages m JOIN below ON m.in_reply_to = below.mid
           WHERE m.kind = 'reply')
       SELECT t.name, t.value, t.message_id AS "from" FROM trailers t JOIN below ON t.message_id = below.mid
       ORDER BY t.rowid`,
  ).all(messageId);
}

/** The subject without its `[PATCH ...]` prefix, for display. */
export function bareSubject(subject: string): string {
  return parseSubject(subject).subject;
}
