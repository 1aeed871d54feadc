import type { Config } from '../config/schema.js';
import type { AppContext } from '../context.js';
import type { DaemonDeps } from './deps.js';
import { feedQueue } from './feed.js';
import { createOutboxSender } from './outbox-sender.js';
import type { JobQueue } from './queue.js';
import { recoverJobs } from './recovery.js';
import { pruneState } from './retention.js';
import { createScheduler } from './scheduler.js';
import { createSlots, type Slots } from './slots.js';
import { createWorker, type Worker } from './worker.js';

export interface DaemonOptions {
  dryRun: boolean;
  /** Jobs in flight at once (a fleet's coordinator: its live workers' slots). */
  maxJobs?: () => number;
}

export interface Daemon {
  queue: JobQueue;
  worker: Worker;
  slots: Slots;
  /** Turns new complete series into jobs and kills superseded ones. */
  feed(): void;
  /** Swaps in a validated config: limits and poll schedules follow it. */
  reload(config: Config): void;
  /** Stops polling and claiming, lets running jobs finish within the grace, then kills them. */
  stop(): Promise<void>;
  /** Resolves when the daemon has stopped. */
  done: Promise<void>;
}

/** The parts every mode shares (the long-running daemon and --once). */
export function assembleDaemon(
  ctx: AppContext,
  deps: DaemonDeps,
  queue: JobQueue,
  options: DaemonOptions,
): Omit<Daemon, 'stop' | 'done' | 'reload'> & { outbox: ReturnType<typeof createOutboxSender> } {
  const d = ctx.config.daemon;
  const slots = createSlots({ build: d.maxConcurrentBuilds, vm: d.maxConcurrentVms });
  const outbox = createOutboxSender(ctx, deps, options);
  const worker = createWorker({
    ctx,
    queue,
    deps,
    slots,
    onVerdict: () => outbox.wake(),
    maxJobs: options.maxJobs,
  });
  function feed(): void {
    try {
      const { enqueued, cancelled } = feedQueue(ctx, queue, new Date());
      for (const job of cancelled) worker.abort(job.id, 'cancelled');
      if (enqueued.length > 0) worker.wake();
      if (enqueued.length + cancelled.length > 0) {
        ctx.log.info({ enqueued: enqueued.length, cancelled: cancelled.length }, 'queue fed');
      }
    } catch (err) {
      ctx.log.error({ err }, 'feeding the queue failed');
    }
  }
  recoverJobs(ctx, queue, deps, worker.holds, new Date());
  return { queue, worker, slots, feed, outbox };
}

/**
 * The long-running daemon: node-cron polls each source on its interval, the
 * worker runs the queue, the outbox sender delivers reports, retention prunes.
 */
export function startDaemon(
  ctx: AppContext,
  deps: DaemonDeps,
  queue: JobQueue,
  options: DaemonOptions,
): Daemon {
  const parts = assembleDaemon(ctx, deps, queue, options);
  const { worker, slots, feed, outbox } = parts;
  const scheduler = createScheduler(ctx, deps, {
    afterPoll: feed,
    prune: () =>
      pruneState(ctx, deps, new Date()).catch((err) => ctx.log.error({ err }, 'retention failed')),
  });
  scheduler.schedule();
  feed();
  // Series also arrive without a poll of ours (`bpfci import`, another process).
  const feeder = setInterval(feed, ctx.config.daemon.idleSeconds * 1000);
  const workerDone = worker.run();
  const outboxDone = outbox.run();
  let stopping: Promise<void> | undefined;

  async function stop(): Promise<void> {
    ctx.log.info('shutting down: no new polls or jobs');
    await scheduler.stop();
    await deps.sources.close?.();
    clearInterval(feeder);
    await worker.drain(ctx.config.daemon.shutdownGraceSeconds * 1000);
    await workerDone;
    await outbox.stop();
    await outboxDone;
    ctx.log.info('daemon stopped');
  }

  let resolveDone: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });

  return {
    ...parts,
    reload(config: Config): void {
      ctx.config = config;
      slots.setLimits({
        build: config.daemon.maxConcurrentBuilds,
        vm: config.daemon.maxConcurrentVms,
      });
      scheduler.schedule();
      worker.wake();
      ctx.log.info('configuration reloaded');
    },
    stop(): Promise<void> {
      stopping ??= stop().finally(resolveDone);
      return stopping;
    },
    done,
  };
}
