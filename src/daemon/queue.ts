import type { InfraRetry } from '../report/types.js';
import type { SeriesVerdict, Verdict } from '../verdict/verdict.js';

/**
 * The job queue as the daemon sees it. The embedded implementation is SQLite in
 * the daemon's process (sqlite-queue.ts); a distributed job engine replaces it by
 * implementing this interface in one module, while the store and the reports stay
 * with the coordinator: `complete` and `fail` take the coordinator's side effects
 * (the outbox rows) and run them atomically with the state change.
 */
export type JobState = 'queued' | 'running' | 'done' | 'cancelled' | 'failed';

export const JOB_STATES: readonly JobState[] = ['queued', 'running', 'done', 'cancelled', 'failed'];

export interface Job {
  id: number;
  seriesId: number;
  state: JobState;
  priority: number;
  lane: string;
  attempts: number;
  recoveries: number;
  /** Fencing token: the claim a worker holds; finishing needs the current one. */
  claim: number;
  nextAttemptAt: string;
  enqueuedAt: string;
  startedAt?: string;
  finishedAt?: string;
  heartbeatAt?: string;
  pid?: number;
  errorCode?: string;
  error?: string;
  verdict?: SeriesVerdict;
  runId?: number;
  /** Why it is queued or ran last: `posted`, `retest by <who>`, `infra requeue (attempt n)`. */
  trigger: string;
  /** How many times it was queued again by a retest (0: the first run). */
  retests: number;
}

export interface NewJob {
  seriesId: number;
  lane: string;
  priority: number;
}

export interface ClaimOptions {
  now: Date;
  /** Recorded on the job so that a restarted daemon can tell its owner is gone. */
  pid: number;
  /** Run inside the claim's transaction with the claimed job (e.g. pending checks). */
  onClaim?: (job: Job) => void;
}

export interface Outcome {
  verdict: Verdict;
  runId?: number;
  /** Infra verdicts: set by the worker, so the reports say whether a retry follows. */
  retry?: InfraRetry;
}

export interface RetryPlan {
  /** When to try again; absent means give up (state failed). */
  retryAt?: Date;
  code: string;
  message: string;
}

export interface JobQueue {
  /** Adds a job unless the series already has one; returns it when it was new. */
  enqueue(job: NewJob, now: Date): Job | undefined;
  /** Takes the best claimable job: queued, due, on a lane with no running job. */
  claim(options: ClaimOptions): Job | undefined;
  /** Proves the claim is still held; false means it was taken away (cancelled). */
  heartbeat(job: Job, now: Date): boolean;
  /** Stores the verdict and runs `effects` atomically; false if the claim is lost. */
  complete(job: Job, outcome: Outcome, now: Date, effects?: () => void): boolean;
  /** An infrastructure error: requeue at plan.retryAt, or fail with the given outcome. */
  fail(job: Job, plan: RetryPlan, now: Date, final?: Outcome, effects?: () => void): boolean;
  /** Gives a claim back untouched (shutdown): the job runs again, no attempt spent. */
  release(job: Job): boolean;
  /**
   * Queues the series' finished job again for `trigger` (a retest); undefined when it
   * has no job or its job is queued or running already.
   */
  retest(seriesId: number, trigger: string, now: Date): Job | undefined;
  /** Cancels the series' queued or running job; returns the job that was cancelled. */
  cancel(seriesId: number, reason: string, now: Date): Job | undefined;
  /** Running jobs whose owner is gone (crashed daemon, stale heartbeat). */
  orphaned(isOwnerAlive: (job: Job) => boolean): Job[];
  /** Puts an orphaned job back in the queue, counting the recovery. */
  requeue(job: Job, now: Date): boolean;
  get(id: number): Job | undefined;
  list(states: readonly JobState[], limit?: number): Job[];
  counts(): Record<JobState, number>;
}
