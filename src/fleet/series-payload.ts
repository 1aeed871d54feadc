import { readFileSync } from 'node:fs';
import type { Db } from '../db/open.js';
import { BotError } from '../errors.js';
import type { IngestContext } from '../series/ingest.js';
import { ingestMessages } from '../series/ingest.js';
import { rawMailPath } from '../series/raw-store.js';
import { loadSeries } from '../series/store.js';

/** A series as it travels to a worker: its mails, byte for byte, and its patches' ids. */
export interface SeriesPayload {
  patchIds: string[];
  /** base64 of each raw mail: the cover, the patches and the replies below them. */
  mails: string[];
}

/**
 * The mails a worker needs to assemble the same series: the cover, the patches
 * (an inherited patch of a partial re-roll included) and every reply below them
 * (their trailers are applied). Raw bytes, so the worker parses what we parsed.
 */
export function exportSeries(db: Db, seriesId: number): SeriesPayload {
  const series = loadSeries(db, seriesId);
  if (!series) throw new BotError('NOT_FOUND', `series ${seriesId} is gone`);
  const roots = [
    ...(series.coverMessageId ? [series.coverMessageId] : []),
    ...series.patches.map((p) => p.messageId),
  ];
  const rows = db
    .prepare<[string], { raw_path: string }>(
      `WITH RECURSIVE below(mid) AS (
         SELECT value FROM json_each(?)
         UNION SELECT m.message_id FROM messages m JOIN below ON m.in_reply_to = below.mid
           WHERE m.kind = 'reply')
       SELECT m.raw_path FROM messages m JOIN below ON m.message_id = below.mid ORDER BY m.id`,
    )
    .all(JSON.stringify(roots));
  return {
    patchIds: series.patches.map((p) => p.messageId),
    mails: rows.map((r) => readFileSync(rawMailPath(db, r.raw_path)).toString('base64')),
  };
}

/** Stores the mails on this host and returns the series they assemble here. */
export function importSeries(ctx: IngestContext, payload: SeriesPayload): number {
  const raws = payload.mails.map((m) => Buffer.from(m, 'base64'));
  ingestMessages(ctx, raws, 'fleet');
  const first = payload.patchIds[0];
  const row = ctx.db
    .prepare<[string, number], { id: number }>(
      `SELECT s.id FROM series s JOIN series_patches p ON p.series_id = s.id
       WHERE p.message_id = ? AND s.total = ? ORDER BY s.id DESC LIMIT 1`,
    )
    .get(first ?? '', payload.patchIds.length);
  if (!row)
    throw new BotError('NOT_FOUND', 'the mails sent by the coordinator make no series here');
  return row.id;
}
