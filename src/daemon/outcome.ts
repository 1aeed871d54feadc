import type { Config } from '../config/schema.js';
import { BotError, errorMessage } from '../errors.js';
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
  const retry = config.daemon.retry;
  const retryable = err instanceof BotError && err.retryable;
  if (!retryable || job.attempts >= retry.maxAttempts) return { code, message };
  return { code, message, retryAt: new Date(now.getTime() + retryDelayMs(job.attempts, retry)) };
}

/** The verdict of a job that could not be run: infrastructure, nobody's fault. */
export function infraOutcome(plan: { code: string; message: string }): Outcome {
  return {
    verdict: {
      verdict: 'infra',
      summary: `infrastructure error ${plan.code}: ${plan.message}`.slice(0, 500),
      failures: [],
      extraRuns: 0,
    },
  };
}
