import type { Db } from '../db/open.js';

export interface PatchworkLink {
  /** Message-IDs of the cover letter and patches, as Patchwork lists them. */
  messageIds: string[];
  /** Patchwork's series id and web URL. */
  seriesId: number;
  url: string;
  /** The delegate's username, when the caller read the patches (the poller does). */
  delegate?: string;
  patches: { messageId: string; id: number; url: string }[];
}

/**
 * Records Patchwork's ids on the series the store already assembled from the
 * same messages (the Message-ID is the key), so one series seen through
 * Patchwork and lore stays one series. Returns the store's series id, or
 * undefined when none of the messages is stored yet (ingest them first).
 */
export function attachPatchwork(db: Db, link: PatchworkLink): number | undefined {
  const ids = link.messageIds.map((id) => id.replace(/^<|>$/g, '').trim());
  if (ids.length === 0) return undefined;
  const marks = ids.map(() => '?').join(', ');
  const found = db
    .prepare<string[], { id: number; hits: number }>(
      `SELECT series_id AS id, count(*) AS hits FROM (
         SELECT series_id FROM series_patches WHERE message_id IN (${marks}) AND inherited_from IS NULL
         UNION ALL SELECT id FROM series WHERE cover_message_id IN (${marks}))
       GROUP BY series_id ORDER BY hits DESC, series_id DESC LIMIT 1`,
    )
    .get(...ids, ...ids);
  if (!found) return undefined;
  db.transaction(() => {
    // Patchwork's id is unique: if an earlier mis-assembly claimed it, move it.
    db.prepare(
      'UPDATE series SET patchwork_id = NULL, patchwork_url = NULL, patchwork_delegate = NULL WHERE patchwork_id = ? AND id != ?',
    ).run(link.seriesId, found.id);
    db.prepare(
      'UPDATE series SET patchwork_id = ?, patchwork_url = ?, patchwork_delegate = coalesce(?, patchwork_delegate) WHERE id = ?',
    ).run(link.seriesId, link.url, link.delegate ?? null, found.id);
    const setPatch = db.prepare(
      'UPDATE series_patches SET patchwork_id = ?, patchwork_url = ? WHERE series_id = ? AND message_id = ?',
    );
    for (const p of link.patches)
      setPatch.run(p.id, p.url, found.id, p.messageId.replace(/^<|>$/g, '').trim());
  })();
  return found.id;
}
