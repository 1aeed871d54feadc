import { validate } from 'node-cron';
import { describe, expect, it } from 'vitest';
import { Config } from '../../../src/config/schema.js';
import { retryDelayMs } from '../../../src/daemon/backoff.js';
import { cronForInterval } from '../../../src/daemon/cron.js';
import { laneFor, priorityFor } from '../../../src/daemon/plan.js';

describe('daemon/cron', () => {
  it.each([
    [30, '*/30 * * * * *'],
    [120, '0 */2 * * * *'],
    [300, '0 */5 * * * *'],
    [7200, '0 0 */2 * * *'],
    [200_000, '0 0 0 * * *'],
  ])('every %i s is %s', (seconds, expr) => {
    expect(cronForInterval(seconds)).toBe(expr);
    expect(validate(expr)).toBe(true);
  });
});

describe('daemon/backoff', () => {
  const policy = { baseSeconds: 60, maxSeconds: 3600 };

  it('doubles per attempt within ±20 % and caps', () => {
    expect(retryDelayMs(1, policy, () => 0.5)).toBe(60_000);
    expect(retryDelayMs(3, policy, () => 0.5)).toBe(240_000);
    expect(retryDelayMs(30, policy, () => 0.5)).toBe(3_600_000);
    expect(retryDelayMs(1, policy, () => 0)).toBe(48_000);
    expect(retryDelayMs(1, policy, () => 1)).toBe(72_000);
  });
});

describe('daemon/plan', () => {
  const config = Config.parse({
    version: 1,
    trees: { bpf: { upstream: '/b' }, 'bpf-next': { upstream: '/n' }, net: { upstream: '/net' } },
    routing: { default: 'bpf-next', tags: { bpf: 'bpf' } },
    daemon: { priority: { trees: { bpf: -100 } } },
  });

  it('routes by subject tag, then tree name, then the default', () => {
    expect(laneFor(config, { total: 1, treeTag: 'bpf' })).toBe('bpf');
    expect(laneFor(config, { total: 1, treeTag: 'net' })).toBe('net');
    expect(laneFor(config, { total: 1, treeTag: 'unknown' })).toBe('bpf-next');
    expect(laneFor(config, { total: 1, treeTag: null })).toBe('bpf-next');
  });

  it('puts smaller series first and applies tree boosts', () => {
    expect(priorityFor(config, { total: 2, treeTag: null }, 'bpf-next')).toBe(2);
    expect(priorityFor(config, { total: 12, treeTag: null }, 'bpf-next')).toBe(12);
    expect(priorityFor(config, { total: 12, treeTag: 'bpf' }, 'bpf')).toBe(-88);
  });

  it('rejects a retention schedule that is not cron', () => {
    const bad = Config.safeParse({ version: 1, daemon: { retention: { schedule: 'daily' } } });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path.join('.')).toBe('daemon.retention.schedule');
  });
});
