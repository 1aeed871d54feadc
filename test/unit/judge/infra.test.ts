import { describe, expect, it } from 'vitest';
import { BotError } from '../../../src/errors.js';
import { bootInfraReason, withInfraRetry } from '../../../src/pipeline/judge/infra.js';
import type { BootResult } from '../../../src/verdict/stages.js';
import type { SuiteResult } from '../../../src/verdict/tests.js';

const boot = (over: Partial<BootResult> = {}): BootResult => ({
  status: 'ok',
  kernel: 'k',
  accel: 'tcg',
  suites: [],
  crashes: [],
  durationMs: 1,
  ...over,
});
const suite = (over: Partial<SuiteResult>): SuiteResult => ({
  suite: 'test_progs',
  kind: 'test_progs',
  outcome: 'ok',
  exitCode: 0,
  tests: [],
  durationMs: 1,
  ...over,
});

describe('bootInfraReason', () => {
  it('names the infrastructure outcomes and nothing else', () => {
    expect(bootInfraReason(boot())).toBeUndefined();
    expect(
      bootInfraReason(boot({ suites: [suite({ outcome: 'failed', exitCode: 1 })] })),
    ).toBeUndefined();
    expect(bootInfraReason(boot({ status: 'timeout' }))).toBe('harness timeout');
    expect(bootInfraReason(boot({ status: 'no-boot', reason: 'no GUEST-READY' }))).toBe(
      'kernel did not boot: no GUEST-READY',
    );
    expect(bootInfraReason(boot({ status: 'infra', reason: 'host out of memory' }))).toBe(
      'host out of memory',
    );
    expect(bootInfraReason(boot({ suites: [suite({ outcome: 'infra', exitCode: 3 })] }))).toBe(
      'test_progs: runner exited 3',
    );
    expect(
      bootInfraReason(
        boot({
          suites: [suite({ outcome: 'infra', exitCode: 2, infraReason: 'no tests ran (exit 2)' })],
        }),
      ),
    ).toBe('test_progs: no tests ran (exit 2)');
  });
});

describe('withInfraRetry', () => {
  const policy = (sleeps: number[]) => ({
    retries: 3,
    backoffMs: 100,
    sleep: async (ms: number) => void sleeps.push(ms),
  });

  it('retries an infrastructure outcome with doubling backoff up to the limit', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    const r = await withInfraRetry(
      async () => ++calls,
      () => 'qemu died',
      policy(sleeps),
    );
    expect(r).toEqual({ ok: false, reason: 'qemu died', attempts: 4, last: 4 });
    expect(sleeps).toEqual([100, 200, 400]);
  });

  it('returns the first good outcome', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    const r = await withInfraRetry(
      async () => ++calls,
      (n) => (n < 2 ? 'flake' : undefined),
      policy(sleeps),
    );
    expect(r).toEqual({ ok: true, value: 2, attempts: 2 });
    expect(sleeps).toEqual([100]);
  });

  it('gives up at once on a non-retryable error: a missing tool will not appear', async () => {
    const sleeps: number[] = [];
    const r = await withInfraRetry(
      async () => {
        throw new BotError('TOOL_MISSING', 'qemu-system-x86_64 not found');
      },
      () => undefined,
      policy(sleeps),
    );
    expect(r).toEqual({
      ok: false,
      reason: 'TOOL_MISSING: qemu-system-x86_64 not found',
      attempts: 1,
    });
    expect(sleeps).toEqual([]);
  });

  it('retries retryable errors (disk low) and lets bugs and cancellation through', async () => {
    const sleeps: number[] = [];
    const r = await withInfraRetry(
      async () => {
        throw new BotError('DISK_LOW');
      },
      () => undefined,
      policy(sleeps),
    );
    expect(r).toMatchObject({ ok: false, attempts: 4 });
    await expect(
      withInfraRetry(
        async () => Promise.reject(new TypeError('bug')),
        () => undefined,
        policy([]),
      ),
    ).rejects.toThrow('bug');
    await expect(
      withInfraRetry(
        async () => Promise.reject(new BotError('CANCELLED')),
        () => undefined,
        policy([]),
      ),
    ).rejects.toThrow('Cancelled');
  });
});
