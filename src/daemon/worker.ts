import type { AppContext } from '../context.js';
import { BotError } from '../errors.js';
import type { DaemonDeps } from './deps.js';
import { diskState } from './disk-guard.js';
import { infraOutcome, planInfraVerdict, planRetry } from './outcome.js';
import type { Job, JobQueue, Outcome } from './queue.js';
import { createWaker, delay } from './sleep.js';
import type { Slots } from './slots.js';

type StopReason = 'cancelled' | 'shutdown';

interface Running {
  job: Job;
  abort: AbortController;
  done: Promise<void>;
}

export interface WorkerOptions {
  ctx: AppContext;
  queue: JobQueue;
  deps: DaemonDeps;
  slots: Slots;
  /** Called after a verdict was stored (the outbox has something to send). */
  onVerdict: () => void;
  now?: () => Date;
  /** Jobs run at once (default: the build and VM limits; a fleet's: its workers' slots). */
  maxJobs?: () => number;
}

export interface Worker {
  /** Runs the claim loop until drain(); resolves when the loop has ended. */
  run(): Promise<void>;
  wake(): void;
  /** Kills a running job (its series was superseded). */
  abort(jobId: number, reason: StopReason): void;
  holds(jobId: number): boolean;
  running(): Job[];
  diskLow(): boolean;
  /** Stops claiming, waits up to graceMs for running jobs, then kills and releases them. */
  drain(graceMs: number): Promise<void>;
}

/**
 * Claims jobs while lanes and limits allow and runs each through deps.runJob. The
 * verdict and its outbox rows are stored in one transaction, fenced by the claim,
 * so a job cancelled or taken back meanwhile is never completed or reported.
 */
export function createWorker(opts: WorkerOptions): Worker {
  const { ctx, queue, deps, slots } = opts;
  const now = opts.now ?? (() => new Date());
  const waker = createWaker();
  const draining = new AbortController();
  const jobs = new Map<number, Running>();
  let low = false;

  function maxJobs(): number {
    if (opts.maxJobs) return opts.maxJobs();
    const d = ctx.config.daemon;
    return Math.max(d.maxConcurrentBuilds, d.maxConcurrentVms);
  }

  function checkDisk(): boolean {
    const disk = diskState(ctx.stateDir, ctx.config.daemon.minFreeDiskGb);
    if (disk.low !== low) {
      const fields = { freeBytes: disk.freeBytes, minFreeBytes: disk.minFreeBytes };
      if (disk.low) ctx.log.warn(fields, 'disk space low: not starting new jobs');
      else ctx.log.info(fields, 'disk space recovered');
    }
    low = disk.low;
    return !low;
  }

  function claimNext(): Job | undefined {
    return queue.claim({
      now: now(),
      pid: process.pid,
      onClaim: (job) => deps.reports.started?.(ctx, job),
    });
  }

  function launch(job: Job): void {
    const abort = new AbortController();
    const log = ctx.log.child({ jobId: job.id, seriesId: job.seriesId, lane: job.lane });
    log.info({ attempt: job.attempts }, 'job started');
    const beat = setInterval(() => {
      // Losing the claim means someone cancelled or took the job: stop working on it.
      if (!queue.heartbeat(job, now())) abort.abort('cancelled');
    }, ctx.config.daemon.heartbeatSeconds * 1000);
    const done = execute(job, abort, log).finally(() => {
      clearInterval(beat);
      jobs.delete(job.id);
      waker.wake();
    });
    jobs.set(job.id, { job, abort, done });
  }

  async function execute(job: Job, abort: AbortController, log: AppContext['log']): Promise<void> {
    const io = { signal: abort.signal, draining: draining.signal, log, slots };
    try {
      const outcome = await deps.runJob(ctx, job, io);
      if (abort.signal.aborted) return await stopped(job, abort.signal.reason, log);
      if (outcome.verdict.verdict === 'infra') return infraVerdict(job, outcome, log);
      const stored = queue.complete(job, outcome, now(), () =>
        deps.reports.enqueue(ctx, job, outcome),
      );
      if (stored) log.info({ verdict: outcome.verdict.verdict }, 'job done');
      else log.warn('verdict dropped: the job is no longer held');
      opts.onVerdict();
    } catch (err) {
      if (abort.signal.aborted) return await stopped(job, abort.signal.reason, log);
      if (draining.signal.aborted && err instanceof BotError && err.code === 'CANCELLED') {
        queue.release(job);
        return;
      }
      failed(job, err, log);
    }
  }

  /** Reported either way; queued again with backoff while attempts remain. */
  function infraVerdict(job: Job, outcome: Outcome, log: AppContext['log']): void {
    const { plan, retry } = planInfraVerdict(outcome, job, ctx.config, now());
    const reported = { ...outcome, retry };
    const effects = () => deps.reports.enqueue(ctx, job, reported);
    const stored = plan.retryAt
      ? queue.fail(job, plan, now(), undefined, effects)
      : queue.complete(job, reported, now(), effects);
    const fields = { attempt: retry.attempt, retryAt: retry.nextAt, summary: plan.message };
    if (!stored) log.warn(fields, 'infra verdict dropped: the job is no longer held');
    else log.warn(fields, plan.retryAt ? 'infra verdict: will retry' : 'infra verdict: giving up');
    opts.onVerdict();
  }

  function failed(job: Job, err: unknown, log: AppContext['log']): void {
    const plan = planRetry(err, job, ctx.config, now());
    const final = plan.retryAt ? undefined : infraOutcome(plan, job, ctx.config);
    const effects = final ? () => deps.reports.enqueue(ctx, job, final) : undefined;
    queue.fail(job, plan, now(), final, effects);
    const fields = { code: plan.code, err, retryAt: plan.retryAt?.toISOString() };
    log.warn(fields, plan.retryAt ? 'job failed: will retry' : 'job failed: giving up');
    if (final) opts.onVerdict();
  }

  async function stopped(job: Job, reason: unknown, log: AppContext['log']): Promise<void> {
    if (reason === 'shutdown') {
      queue.release(job);
      log.info('job stopped by shutdown: it runs again at the next start');
      return;
    }
    log.info('job cancelled: its processes were killed');
    await deps.resetLane?.(ctx, job.lane).catch((err: unknown) => {
      log.warn({ err }, 'lane reset after cancel failed');
    });
  }

  async function loop(): Promise<void> {
    while (!draining.signal.aborted) {
      let claimed: Job | undefined;
      try {
        if (jobs.size < maxJobs() && checkDisk()) claimed = claimNext();
        if (claimed) launch(claimed);
      } catch (err) {
        ctx.log.error({ err, code: (err as BotError).code }, 'queue loop error');
      }
      // A short pause after a claim (to take the next one), the idle wait otherwise.
      await waker.sleep(claimed ? 10 : ctx.config.daemon.idleSeconds * 1000);
    }
  }

  let loopDone: Promise<void> | undefined;

  return {
    run(): Promise<void> {
      loopDone ??= loop();
      return loopDone;
    },
    wake: () => waker.wake(),
    abort(jobId, reason): void {
      jobs.get(jobId)?.abort.abort(reason);
    },
    holds: (jobId) => jobs.has(jobId),
    running: () => [...jobs.values()].map((r) => r.job),
    diskLow: () => low,
    async drain(graceMs: number): Promise<void> {
      draining.abort('shutdown');
      waker.wake();
      await loopDone;
      const all = (): Promise<unknown> => Promise.all([...jobs.values()].map((r) => r.done));
      const grace = delay(graceMs).then(() => 'timeout' as const);
      if ((await Promise.race([all(), grace])) === 'timeout') {
        ctx.log.warn({ jobs: jobs.size }, 'shutdown grace over: killing running jobs');
        for (const r of jobs.values()) r.abort.abort('shutdown');
      }
      await all();
    },
  };
}
