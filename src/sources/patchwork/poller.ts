import type { z } from 'zod';
import type { PatchworkSource } from '../../config/sections/sources.js';
import type { Logger } from '../../log.js';
import { getCursor, setCursor } from '../cursor.js';
import { httpPoller, type RequestCount } from '../http-poller.js';
import { addIngest, type Poller, type PollReport, type SourceContext } from '../types.js';
import { PatchworkClient } from './client.js';
import { filterSeries, seriesDelegate } from './filters.js';
import { PwEvent, PwPatch, PwSeries } from './schema.js';
import { markEvent, seenEvent } from './seen.js';
import { downloadPatchworkSeries, storeDownloadedSeries } from './store-series.js';

export type PatchworkConfig = z.infer<typeof PatchworkSource>;

const SOURCE = 'patchwork';

/** Naive UTC as Patchwork wants it: a `Z` or offset makes its SQLite backend answer 500. */
export function naiveUtc(d: Date): string {
  return d.toISOString().replace(/Z$/, '');
}

/**
 * Polls Patchwork's series-completed events since the cursor (inclusive, so the last
 * one comes back and is dropped by event id), then for each new series: its detail,
 * its patches (for the state and delegate filters), its mbox and its cover's mbox
 * (the series mbox leaves the cover out). Each series is stored, given its Patchwork
 * ids, marked seen and the cursor moved, in one transaction; a failure stops the poll
 * there and the next poll resumes at the same event.
 */
export function createPatchworkPoller(
  config: PatchworkConfig,
  env: NodeJS.ProcessEnv,
  log: Logger,
): Poller {
  const count: RequestCount = { n: 0 };
  const token = config.tokenEnv ? env[config.tokenEnv]?.trim() || undefined : undefined;
  const client = new PatchworkClient({
    apiUrl: config.url,
    token,
    timeoutMs: config.timeoutSeconds * 1000,
    attempts: config.attempts,
    log,
    onRequest: () => {
      count.n++;
    },
  });
  return httpPoller(SOURCE, count, (ctx, report) => pollEvents(ctx, client, config, report));
}

async function pollEvents(
  ctx: SourceContext,
  client: PatchworkClient,
  config: PatchworkConfig,
  report: PollReport,
): Promise<void> {
  const since =
    getCursor(ctx.db, SOURCE) ?? naiveUtc(new Date(Date.now() - config.lookbackHours * 3600_000));
  const events = await client.getAll('events/', PwEvent, {
    category: 'series-completed',
    project: config.project,
    since,
    order: 'date',
  });
  // Oldest first, so the cursor only ever moves forward.
  events.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.id - b.id));
  for (const event of events) {
    if (seenEvent(ctx.db, SOURCE, event.id)) continue;
    await handleEvent(ctx, client, config, event, report);
  }
}

async function handleEvent(
  ctx: SourceContext,
  client: PatchworkClient,
  config: PatchworkConfig,
  event: PwEvent,
  report: PollReport,
): Promise<void> {
  const seriesId = event.payload.series.id;
  const { data: series } = await client.getJson(`series/${seriesId}/`, PwSeries);
  const patches = await client.getAll('patches/', PwPatch, {
    project: config.project,
    series: String(seriesId),
  });
  const skip = filterSeries(series, patches, config);
  if (skip) {
    report.skipped.push({ id: `patchwork series ${seriesId}`, reason: skip });
    ctx.db.transaction(() => {
      markEvent(ctx.db, SOURCE, event, skip);
      setCursor(ctx.db, SOURCE, event.date);
    })();
    return;
  }
  const raws = await downloadPatchworkSeries(client, series);
  ctx.db.transaction(() => {
    const delegate = seriesDelegate(patches, config.delegates);
    const { storeId, ingest, known } = storeDownloadedSeries(ctx, series, raws, SOURCE, delegate);
    report.duplicates += known;
    addIngest(report, ingest);
    if (!report.attached.includes(storeId)) report.attached.push(storeId);
    markEvent(ctx.db, SOURCE, event, 'stored', storeId);
    setCursor(ctx.db, SOURCE, event.date);
  })();
}
