import { describe, expect, it } from 'vitest';
import { Config } from '../../../src/config/schema.js';
import { infraOutcome, planInfraVerdict } from '../../../src/daemon/outcome.js';
import type { Job } from '../../../src/daemon/queue.js';

const config = Config.parse({
  version: 1,
  daemon: { retry: { maxAttempts: 4, baseSeconds: 60, maxSeconds: 200 } },
});
const NOW = new Date('2026-11-24T12:00:00.000Z');
const infra = {
  verdict: {
    verdict: 'infra' as const,
    summary: 'the base does not boot',
    failures: [],
    extraRuns: 0,
  },
};
const job = (attempts: number) => ({ attempts }) as Job;
// No jitter: the schedule itself.
const plan = (attempts: number) => planInfraVerdict(infra, job(attempts), config, NOW, () => 0.5);

describe('daemon: an infra verdict is retried with a growing backoff', () => {
  it('waits base, 2×base, then the cap, and stops after maxAttempts', () => {
    const next = [1, 2, 3, 4].map((a) => plan(a).retry.nextAt);
    expect(next).toEqual([
      '2026-11-24T12:01:00.000Z',
      '2026-11-24T12:02:00.000Z',
      '2026-11-24T12:03:20.000Z',
      undefined,
    ]);
    expect(plan(4).plan.retryAt).toBeUndefined();
    expect(plan(9).plan.retryAt).toBeUndefined();
  });

  it('tells the reports which attempt this was and what comes next', () => {
    expect(plan(1)).toMatchObject({
      plan: { code: 'INFRA_VERDICT', message: 'the base does not boot' },
      retry: { attempt: 1, maxAttempts: 4, nextAt: '2026-11-24T12:01:00.000Z' },
    });
    expect(plan(4).retry).toEqual({ attempt: 4, maxAttempts: 4 });
  });

  it('keeps the ±20 % jitter, so jobs failing together do not return together', () => {
    const early = planInfraVerdict(infra, job(1), config, NOW, () => 0).plan.retryAt;
    const late = planInfraVerdict(infra, job(1), config, NOW, () => 1).plan.retryAt;
    expect(early?.toISOString()).toBe('2026-11-24T12:00:48.000Z');
    expect(late?.toISOString()).toBe('2026-11-24T12:01:12.000Z');
  });

  it('a job given up on after an error says no retry follows', () => {
    const out = infraOutcome({ code: 'TOOL_MISSING', message: 'no qemu' }, job(1), config);
    expect(out.retry).toEqual({ attempt: 1, maxAttempts: 4 });
    expect(out.verdict.verdict).toBe('infra');
  });
});
