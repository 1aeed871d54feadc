import type { Config } from '../config/schema.js';
import { BotError, errorMessage } from '../errors.js';
import type { InfraRetry } from '../report/types.js';
import { retryDelayMs } from './backoff.js';
import type { Job, Outcome, RetryPlan } from './queue.js';

/**
 * What to do with a job that threw: retry a retryable infrastructure error with
 * backoff until the attempt limit, give up on anything else. Never a verdict of
 * the author's: a job given up on is reported as infrastructure.
 */
export function planRetry(err: unknown, job: Job, config: Config, now: Date): RetryPlan {
  const code = err instanceof BotError ? err.code : 'INTERNAL';
  const message = errorMessage(err);
  const retryable = err instanceof BotError && err.retryable;
  if (!retryable) return { code, message };
  return { code, message, retryAt: nextTry(job, config, now) };
}

/**
 * An infrastructure verdict (the run ended, but on the host's problem: a base that
 * does not build, a VM that never came up after the judge's own retries) is treated
 * like a retryable error: the job is queued again with the same growing backoff,
 * until daemon.retry.maxAttempts attempts (all kinds together) are spent. The count
 * and the not-before time are the job's `attempts` and `next_attempt_at`, so a
 * restart neither forgets them nor retries early. `retry` is what the reports say.
 */
export function planInfraVerdict(
  outcome: Outcome,
  job: Job,
  config: Config,
  now: Date,
  random?: () => number,
): { plan: RetryPlan; retry: InfraRetry } {
  const retryAt = nextTry(job, config, now, random);
  const plan = { code: 'INFRA_VERDICT', message: outcome.verdict.summary.slice(0, 500), retryAt };
  const retry: InfraRetry = {
    attempt: job.attempts,
    maxAttempts: config.daemon.retry.maxAttempts,
    ...(retryAt && { nextAt: retryAt.toISOString() }),
  };
  return { plan, retry };
}

/** When the job's next attempt may start, or undefined when its attempts are spent. */
export function nextTry(
  job: Pick<Job, 'attempts'>,
  config: Config,
  now: Date,
  random?: () => number,
): Date | undefined {
  const retry = config.daemon.retry;
  if (job.attempts >= retry.maxAttempts) return undefined;
  return new Date(now.getTime() + retryDelayMs(job.attempts, retry, random));
}

/** The verdict of a job that could not be run: infrastructure, nobody's fault, no retry. */
export function infraOutcome(
  plan: { code: string; message: string },
  job: Pick<Job, 'attempts'>,
  config: Config,
): Outcome {
  return {
    retry: { attempt: job.attempts, maxAttempts: config.daemon.retry.maxAttempts },
    verdict: {
      verdict: 'infra',
      summary: `infrastructure error ${plan.code}: ${plan.message}`.slice(0, 500),
      failures: [],
      extraRuns: 0,
    },
  };
}
