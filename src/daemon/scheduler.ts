import cron, { type ScheduledTask } from 'node-cron';
import type { AppContext } from '../context.js';
import { BotError } from '../errors.js';
import { cronForInterval } from './cron.js';
import type { DaemonDeps } from './deps.js';
import { recordPoll } from './poll-stats.js';

export interface Scheduler {
  /** (Re)creates the tasks from the current config: called at start and on reload. */
  schedule(): void;
  stop(): Promise<void>;
}

/** Polls one source, counts the outcome, never throws: the next tick is the retry. */
export async function pollSource(
  ctx: AppContext,
  deps: DaemonDeps,
  name: string,
): Promise<boolean> {
  try {
    await deps.sources.poll(ctx, name);
    recordPoll(ctx.db, name, new Date());
    return true;
  } catch (err) {
    recordPoll(ctx.db, name, new Date(), err);
    const code = err instanceof BotError ? err.code : 'INTERNAL';
    ctx.log.warn({ source: name, code, err }, 'poll failed');
    return false;
  }
}

/**
 * One node-cron task per source at its configured interval (noOverlap: a slow
 * poll is never stacked), plus the retention pass. After each poll `afterPoll`
 * turns new series into jobs.
 */
export function createScheduler(
  ctx: AppContext,
  deps: DaemonDeps,
  hooks: { afterPoll: () => void; prune: () => Promise<void> },
): Scheduler {
  let tasks: ScheduledTask[] = [];

  async function stop(): Promise<void> {
    const old = tasks;
    tasks = [];
    await Promise.all(old.map((t) => t.destroy()));
  }

  return {
    schedule(): void {
      void stop();
      for (const s of deps.sources.list(ctx)) {
        const expr = cronForInterval(s.intervalSeconds);
        let busy = false;
        // Never two polls of one source at once (the start-up poll and a tick).
        const run = async (): Promise<void> => {
          if (busy) return;
          busy = true;
          try {
            await pollSource(ctx, deps, s.name);
          } finally {
            busy = false;
          }
          hooks.afterPoll();
        };
        tasks.push(cron.schedule(expr, run, { name: `poll-${s.name}`, noOverlap: true }));
        // Poll at once too: after a restart the first tick may be a whole interval away.
        void run();
        ctx.log.info({ source: s.name, cron: expr }, 'poll scheduled');
      }
      const prune = cron.schedule(ctx.config.daemon.retention.schedule, hooks.prune, {
        name: 'retention',
        noOverlap: true,
      });
      tasks.push(prune);
    },
    stop,
  };
}
