import type { AppContext } from '../context.js';
import type { DaemonDeps } from './deps.js';
import { createWaker } from './sleep.js';

export interface OutboxSender {
  /** Delivers on every interval and whenever woken, until stop(). */
  run(): Promise<void>;
  /**
   * One delivery pass now (used by --once); never throws. Resolves to the rows that
   * failed for good in it, a failing pass counting as one.
   */
  deliverOnce(): Promise<number>;
  wake(): void;
  stop(): Promise<void>;
}

/**
 * Runs the reports' outbox delivery: never two passes at once, a pause after
 * every pass (a failing SMTP server costs one attempt per interval, not a loop),
 * woken early when a verdict was stored.
 */
export function createOutboxSender(
  ctx: AppContext,
  deps: DaemonDeps,
  options: { dryRun: boolean },
): OutboxSender {
  const waker = createWaker();
  let stopped = false;
  let busy: Promise<void> = Promise.resolve();

  function deliverOnce(): Promise<number> {
    const pass = busy.then(async () => {
      try {
        const dryRun = options.dryRun || ctx.config.report.dryRun;
        return (await deps.reports.deliver(ctx, { dryRun })).failed;
      } catch (err) {
        ctx.log.error({ err }, 'outbox delivery failed');
        return 1;
      }
    });
    busy = pass.then(() => undefined);
    return pass;
  }

  return {
    async run(): Promise<void> {
      while (!stopped) {
        await deliverOnce();
        await waker.sleep(ctx.config.daemon.outboxIntervalSeconds * 1000);
        // Woken by a verdict: let the rest of that burst land before sending.
        if (!stopped) await waker.sleep(200);
      }
    },
    deliverOnce,
    wake: () => waker.wake(),
    async stop(): Promise<void> {
      stopped = true;
      waker.wake();
      await busy;
    },
  };
}
