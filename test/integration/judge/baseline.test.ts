import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Config } from '../../../src/config/schema.js';
import type { AppContext } from '../../../src/context.js';
import { claimBaseline } from '../../../src/db/baselines.js';
import { openDatabase } from '../../../src/db/open.js';
import { countRuns, getRun } from '../../../src/db/runs.js';
import { silentLogger } from '../../../src/log.js';
import {
  type BaselineInputs,
  baselineKey,
  ensureBaseline,
} from '../../../src/pipeline/baseline.js';
import type { TestObservation } from '../../../src/verdict/observations.js';

const inputs: BaselineInputs = {
  tree: 'bpf-next',
  baseSha: 'a'.repeat(40),
  configHash: 'c1',
  toolchain: 'gcc 12.2.0 / clang 14.0.6',
  suites: ['test_progs'],
};
const tests: TestObservation[] = [
  { suite: 'test_progs', name: 'map_kptr', status: 'fail', excerpt: 'load failed' },
];

/** Two contexts on one database file: two bpfci processes sharing a state dir. */
function twoProcesses(): [AppContext, AppContext] {
  const dir = mkdtempSync(join(tmpdir(), 'bpfci-baseline-'));
  const config = Config.parse({ version: 1, state: { dir } });
  const open = (): AppContext => ({
    config,
    configFile: join(dir, 'c.yaml'),
    db: openDatabase(join(dir, 'bpfci.sqlite')),
    log: silentLogger,
    stateDir: dir,
  });
  return [open(), open()];
}

describe('baseline sharing', () => {
  it('changes its key when any input changes', () => {
    const key = baselineKey(inputs);
    expect(baselineKey({ ...inputs })).toBe(key);
    for (const change of [
      { tree: 'bpf' },
      { baseSha: 'b'.repeat(40) },
      { configHash: 'c2' },
      { toolchain: 'gcc 13' },
      { suites: ['test_progs', 'test_maps'] },
    ]) {
      expect(baselineKey({ ...inputs, ...change })).not.toBe(key);
    }
  });

  it('runs once for concurrent requests in one process', async () => {
    const [ctx] = twoProcesses();
    let produced = 0;
    const produce = async () => {
      produced += 1;
      await new Promise((r) => setTimeout(r, 50));
      return { ok: true as const, tests };
    };
    const opts = { staleMs: 60_000, pollMs: 10 };
    const results = await Promise.all(
      [1, 2, 3].map(() => ensureBaseline(ctx, inputs, produce, opts)),
    );
    expect(produced).toBe(1);
    expect(new Set(results.map((r) => r.runId)).size).toBe(1);
    expect(results[2]).toMatchObject({ state: 'ready', tests });
    expect(countRuns(ctx.db, 'baseline')).toBe(1);
  });

  it('makes a second process wait for the first instead of running it again', async () => {
    const [a, b] = twoProcesses();
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let produced = 0;
    const slow = async () => {
      produced += 1;
      await gate;
      return { ok: true as const, tests };
    };
    const first = ensureBaseline(a, inputs, slow, { staleMs: 60_000 });
    let polls = 0;
    const second = ensureBaseline(b, inputs, slow, {
      staleMs: 60_000,
      sleep: async () => {
        polls += 1;
        if (polls === 2) release();
        await new Promise((r) => setTimeout(r, 5));
      },
    });
    const [ra, rb] = await Promise.all([first, second]);
    expect(produced).toBe(1);
    expect(polls).toBeGreaterThanOrEqual(2);
    expect(rb).toEqual(ra);
    expect(countRuns(b.db, 'baseline')).toBe(1);
  });

  it('reruns a baseline whose base could not be tested, and keeps a good one', async () => {
    const [ctx] = twoProcesses();
    const bad = await ensureBaseline(
      ctx,
      inputs,
      async () => ({ ok: false, reason: 'does not boot' }),
      { staleMs: 1 },
    );
    expect(bad).toMatchObject({ state: 'infra', reason: 'does not boot' });
    expect(getRun(ctx.db, bad.runId)?.status).toBe('infra');
    const good = await ensureBaseline(ctx, inputs, async () => ({ ok: true, tests }), {
      staleMs: 1,
    });
    expect(good.state).toBe('ready');
    expect(good.runId).not.toBe(bad.runId);
    const again = await ensureBaseline(
      ctx,
      inputs,
      async () => Promise.reject(new Error('must not run')),
      { staleMs: 1 },
    );
    expect(again.runId).toBe(good.runId);
  });

  it('takes over a baseline whose worker died', () => {
    const [a, b] = twoProcesses();
    const t0 = new Date('2026-11-25T10:00:00Z');
    const first = claimBaseline(a.db, baselineKey(inputs), inputs, 3_600_000, t0);
    expect(first.state).toBe('claimed');
    expect(
      claimBaseline(b.db, baselineKey(inputs), inputs, 3_600_000, new Date('2026-11-25T10:30:00Z')),
    ).toEqual({
      state: 'busy',
      runId: first.runId,
    });
    const late = claimBaseline(
      b.db,
      baselineKey(inputs),
      inputs,
      3_600_000,
      new Date('2026-11-25T11:30:00Z'),
    );
    expect(late.state).toBe('claimed');
    expect(late.runId).not.toBe(first.runId);
    expect(getRun(a.db, first.runId)?.status).toBe('cancelled');
  });

  it('marks the run as errored when producing it throws, so the next request runs it', async () => {
    const [ctx] = twoProcesses();
    await expect(
      ensureBaseline(ctx, inputs, async () => Promise.reject(new Error('bug')), {
        staleMs: 60_000,
      }),
    ).rejects.toThrow('bug');
    const next = await ensureBaseline(ctx, inputs, async () => ({ ok: true, tests }), {
      staleMs: 60_000,
    });
    expect(next.state).toBe('ready');
    expect(countRuns(ctx.db, 'baseline')).toBe(2);
  });
});
