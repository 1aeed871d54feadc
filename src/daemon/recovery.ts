import type { AppContext } from '../context.js';
import type { DaemonDeps } from './deps.js';
import { infraOutcome } from './outcome.js';
import type { Job, JobQueue } from './queue.js';

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the pid exists but belongs to someone else (so it is not our daemon).
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the owner of a running job is still working on it: this process holds
 * it, or another live process keeps its heartbeat fresh. A pid equal to ours that
 * we do not hold is a previous incarnation's (pids are reused across restarts).
 */
export function ownerAlive(job: Job, holds: (id: number) => boolean, staleMs: number, now: Date) {
  if (job.pid === process.pid) return holds(job.id);
  if (job.pid === undefined || !pidAlive(job.pid)) return false;
  const beat = job.heartbeatAt ? Date.parse(job.heartbeatAt) : 0;
  return now.getTime() - beat < staleMs;
}

/**
 * Puts the jobs of a dead daemon back in the queue. A job that was interrupted
 * more often than the limit (one that takes the host down) is given up as infra.
 */
export function recoverJobs(
  ctx: AppContext,
  queue: JobQueue,
  deps: DaemonDeps,
  holds: (id: number) => boolean,
  now: Date,
): Job[] {
  const { staleAfterSeconds, retry } = ctx.config.daemon;
  const orphans = queue.orphaned((j) => ownerAlive(j, holds, staleAfterSeconds * 1000, now));
  for (const job of orphans) {
    if (job.recoveries + 1 > retry.maxRecoveries) {
      const plan = { code: 'INTERRUPTED', message: `interrupted ${job.recoveries + 1} times` };
      const final = infraOutcome(plan, job, ctx.config);
      queue.fail(job, plan, now, final, () => deps.reports.enqueue(ctx, job, final));
      ctx.log.warn({ jobId: job.id }, 'interrupted job given up');
    } else {
      queue.requeue(job, now);
      ctx.log.info({ jobId: job.id, seriesId: job.seriesId }, 'interrupted job requeued');
    }
  }
  return orphans;
}
