import { BotError, errorMessage } from '../../errors.js';
import type { BootResult } from '../../verdict/stages.js';

/**
 * Why a boot is an infrastructure outcome rather than test results, or
 * undefined. A harness timeout, a VM that could not run, and a suite runner that
 * gave up before testing (test_progs exit 2 "no tests" / 3 "setup failed", a
 * missing tool) are the host's problems; a kernel that does not boot is retried
 * the same way and only blamed later if the base boots.
 */
export function bootInfraReason(boot: BootResult): string | undefined {
  if (boot.status === 'infra') return boot.reason ?? 'the VM could not run';
  if (boot.status === 'timeout') return `harness timeout${boot.reason ? `: ${boot.reason}` : ''}`;
  if (boot.status === 'no-boot')
    return `kernel did not boot${boot.reason ? `: ${boot.reason}` : ''}`;
  for (const suite of boot.suites) {
    if (suite.outcome === 'infra') {
      return `${suite.suite}: ${suite.infraReason ?? `runner exited ${suite.exitCode}`}`;
    }
  }
  return undefined;
}

/** An exception from a stage is infrastructure by definition; bugs and cancellation pass through. */
export function errorInfraReason(err: unknown): { reason: string; retryable: boolean } {
  if (!(err instanceof BotError) || err.code === 'CANCELLED' || err.code === 'INTERNAL') throw err;
  return { reason: `${err.code}: ${errorMessage(err)}`, retryable: err.retryable };
}

export interface RetryPolicy {
  retries: number;
  backoffMs: number;
  sleep?: (ms: number) => Promise<void>;
}

export type Attempted<T> =
  | { ok: true; value: T; attempts: number }
  | { ok: false; reason: string; attempts: number; last?: T };

/**
 * Runs `attempt` until it is not an infrastructure outcome, retrying up to
 * `retries` times with exponential backoff (backoffMs, 2x, 4x...). Retryable
 * errors and infra results are retried; a non-retryable error (a tool is
 * missing) gives up at once, since waiting will not install it.
 */
export async function withInfraRetry<T>(
  attempt: () => Promise<T>,
  infraOf: (value: T) => string | undefined,
  policy: RetryPolicy,
): Promise<Attempted<T>> {
  const sleep = policy.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let reason = '';
  let last: T | undefined;
  for (let i = 0; i <= policy.retries; i++) {
    if (i > 0) await sleep(policy.backoffMs * 2 ** (i - 1));
    try {
      last = await attempt();
      const infra = infraOf(last);
      if (!infra) return { ok: true, value: last, attempts: i + 1 };
      reason = infra;
    } catch (err) {
      const e = errorInfraReason(err);
      reason = e.reason;
      if (!e.retryable) return { ok: false, reason, attempts: i + 1 };
    }
  }
  return { ok: false, reason, attempts: policy.retries + 1, last };
}
