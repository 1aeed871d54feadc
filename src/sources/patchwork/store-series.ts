import { BotError } from '../../errors.js';
import { splitMbox } from '../../mail/mbox.js';
import { normalizeMessageId } from '../../mail/message-id.js';
import { ingestMessages } from '../../series/ingest.js';
import { attachPatchwork } from '../../series/patchwork.js';
import type { IngestSummary } from '../../series/types.js';
import { knownMessageIds } from '../cursor.js';
import { rawMessageId } from '../raw-message-id.js';
import type { SourceContext } from '../types.js';
import type { PatchworkClient } from './client.js';
import { seriesDelegate } from './filters.js';
import { PwPatch, type PwSeries } from './schema.js';

export interface StoredPatchworkSeries {
  storeId: number;
  ingest: IngestSummary;
  /** Messages already stored from lore or IMAP, kept as they were. */
  known: number;
}

/**
 * The series' messages: its mbox plus its cover letter's mbox, which the series
 * mbox leaves out. Network only; nothing is stored.
 */
export async function downloadPatchworkSeries(
  client: PatchworkClient,
  series: PwSeries,
): Promise<Buffer[]> {
  const mboxes = [await client.getBytes(series.mbox)];
  if (series.cover_letter) mboxes.push(await client.getBytes(series.cover_letter.mbox));
  return mboxes.flatMap((m) => splitMbox(m));
}

/**
 * Stores downloaded messages and attaches the Patchwork ids, in one transaction
 * (a savepoint when the caller's transaction also moves a cursor). Synchronous, so
 * it can sit inside that transaction.
 */
export function storeDownloadedSeries(
  ctx: SourceContext,
  series: PwSeries,
  raws: Buffer[],
  source: string,
  delegate?: string,
): StoredPatchworkSeries {
  const ids = [series.cover_letter, ...series.patches]
    .filter((x) => x !== null)
    .map((x) => normalizeMessageId(x.msgid) ?? x.msgid);
  return ctx.db.transaction(() => {
    // Patchwork's copies differ in bytes from the list's (X-Patchwork-* headers,
    // trailers folded in): a message already stored from lore or IMAP is kept as is.
    const known = knownMessageIds(ctx.db, ids);
    const fresh = raws.filter((raw) => !known.has(rawMessageId(raw)));
    const ingest = ingestMessages(ctx, fresh, source);
    const storeId = attachPatchwork(ctx.db, {
      messageIds: ids,
      seriesId: series.id,
      url: series.web_url ?? series.url,
      delegate,
      patches: series.patches.map((p) => ({
        messageId: normalizeMessageId(p.msgid) ?? p.msgid,
        id: p.id,
        url: p.web_url ?? p.url,
      })),
    });
    if (storeId === undefined) {
      throw new BotError(
        'INTERNAL',
        `patchwork series ${series.id}: no stored series to attach to`,
      );
    }
    return { storeId, ingest, known: raws.length - fresh.length };
  })();
}

/** Downloads and stores one series (`bpfci test <series-id>`), with its delegate. */
export async function storePatchworkSeries(
  ctx: SourceContext,
  client: PatchworkClient,
  series: PwSeries,
  source: string,
): Promise<StoredPatchworkSeries> {
  const patches = await client.getAll('patches/', PwPatch, { series: String(series.id) });
  const raws = await downloadPatchworkSeries(client, series);
  return storeDownloadedSeries(ctx, series, raws, source, seriesDelegate(patches));
}
