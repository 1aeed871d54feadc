import type { AppContext } from '../context.js';
import { BotError } from '../errors.js';
import { assembleDaemon, type DaemonOptions } from './daemon.js';
import type { DaemonDeps } from './deps.js';
import type { JobQueue } from './queue.js';
import { pollSource } from './scheduler.js';
import { delay } from './sleep.js';

export interface OnceSummary {
  polled: { source: string; ok: boolean }[];
  jobs: Record<string, number>;
  /** Reports that failed for good in the final delivery pass (they need a human). */
  deliveryFailed: number;
}

/**
 * `bpfci run --once`: poll every source once, run every job to its end (retries
 * included), deliver the reports, return. For cron and for tests.
 */
export async function runOnce(
  ctx: AppContext,
  deps: DaemonDeps,
  queue: JobQueue,
  options: DaemonOptions & { signal?: AbortSignal },
): Promise<OnceSummary> {
  const { worker, feed, outbox } = assembleDaemon(ctx, deps, queue, options);
  const polled: OnceSummary['polled'] = [];
  for (const s of deps.sources.list(ctx)) {
    polled.push({ source: s.name, ok: await pollSource(ctx, deps, s.name) });
  }
  // No second poll comes: an open IMAP connection would keep the process alive.
  await deps.sources.close?.();
  feed();
  const loop = worker.run();
  let stuck: BotError | undefined;
  // Sleep-polling the queue: the worker wakes itself; this loop only watches for the end.
  while (!options.signal?.aborted) {
    const c = queue.counts();
    if (c.queued + c.running === 0 && worker.running().length === 0) break;
    if (worker.diskLow() && c.running === 0) {
      stuck = new BotError('DISK_LOW', 'not enough free disk space to run the queued jobs');
      break;
    }
    await delay(200);
  }
  await worker.drain(ctx.config.daemon.shutdownGraceSeconds * 1000);
  await loop;
  const deliveryFailed = await outbox.deliverOnce();
  if (stuck) throw stuck;
  return { polled, jobs: queue.counts(), deliveryFailed };
}
