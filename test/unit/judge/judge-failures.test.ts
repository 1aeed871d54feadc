import { describe, expect, it } from 'vitest';
import type { Stability } from '../../../src/db/stability.js';
import {
  type JudgeInput,
  type JudgeProbes,
  judgeFailures,
} from '../../../src/pipeline/judge/judge-failures.js';
import type { TestObservation } from '../../../src/verdict/observations.js';
import type { TestStatus } from '../../../src/verdict/tests.js';

const t = (name: string, status: TestStatus): TestObservation => ({
  suite: 'test_progs',
  name,
  status,
});

/** Scripted outcomes: `at(k, name, attempt)` says how a test does with k patches on its n-th run. */
function scripted(n: number, at: (k: number, name: string, attempt: number) => TestStatus) {
  const attempts = new Map<string, number>();
  const calls: string[] = [];
  const run = (k: number, tests: TestObservation[]) =>
    tests.map((x) => {
      const a = (attempts.get(x.name) ?? 0) + 1;
      attempts.set(x.name, a);
      return t(x.name, at(k, x.name, a));
    });
  const record = (label: string, k: number, tests: TestObservation[]) => {
    calls.push(`${label}:${names(tests)}`);
    return { tests: run(k, tests) };
  };
  const probes: JudgeProbes = {
    rerunSeries: async (tests) => record('series', n, tests),
    rerunBase: async (tests) => record('base', 0, tests),
    probe: async (k, tests) => record(`k${k}`, k, tests),
  };
  return { probes, calls };
}
const names = (ts: TestObservation[]) => ts.map((x) => x.name).join(',');

function input(
  series: TestObservation[],
  baseline: TestObservation[],
  over: Partial<JudgeInput> = {},
): JudgeInput {
  return {
    series,
    baseline,
    patchCount: 3,
    reruns: 2,
    bisect: true,
    flakyThreshold: 3,
    stability: () => undefined,
    ...over,
  };
}

describe('judgeFailures', () => {
  it('does not rerun anything when the only failure is pre-existing', async () => {
    const { probes, calls } = scripted(3, () => 'fail');
    const j = await judgeFailures(input([t('map_kptr', 'fail')], [t('map_kptr', 'fail')]), probes);
    expect(j.failures).toMatchObject([{ name: 'map_kptr', class: 'pre-existing' }]);
    expect(calls).toEqual([]);
    expect(j.extra).toEqual({ seriesReruns: 0, baseReruns: 0, bisect: 0 });
  });

  it('calls a test failing 1 time in 3 flaky and does not bisect it', async () => {
    // The series run itself failed; both reruns pass: 1 failure in 3 runs.
    const { probes, calls } = scripted(3, () => 'pass');
    const j = await judgeFailures(
      input([t('sometimes', 'fail')], [t('sometimes', 'pass')]),
      probes,
    );
    expect(j.failures).toMatchObject([
      { name: 'sometimes', class: 'flaky', reason: 'failed 1 of 3 runs on the series kernel' },
    ]);
    expect(j.flaky.map((x) => x.name)).toEqual(['sometimes']);
    expect(j.guiltyPatch).toBeUndefined();
    // A rerun passed, so the base rerun is not needed.
    expect(calls).toEqual(['series:sometimes', 'series:sometimes']);
    expect(j.extra).toEqual({ seriesReruns: 2, baseReruns: 0, bisect: 0 });
  });

  it('blames patch 2 of 3 for a real regression, with at most ceil(log2 3) bisection runs', async () => {
    const { probes, calls } = scripted(3, (k, name) =>
      name === 'reg' && k >= 2 ? 'fail' : 'pass',
    );
    const j = await judgeFailures(
      input([t('reg', 'fail'), t('ok', 'pass')], [t('reg', 'pass')]),
      probes,
    );
    expect(j.failures).toMatchObject([{ name: 'reg', class: 'new', guiltyPatch: 2 }]);
    expect(j.guiltyPatch).toBe(2);
    expect(j.extra.seriesReruns).toBe(2);
    expect(j.extra.baseReruns).toBe(1);
    expect(j.extra.bisect).toBeLessThanOrEqual(2);
    // Only the failing test is ever rerun.
    expect(calls.every((c) => c.endsWith(':reg'))).toBe(true);
  });

  it('calls a failure that also fails when rerun on the base flaky, not new', async () => {
    const { probes } = scripted(3, (k) => (k === 0 ? 'fail' : 'fail'));
    const j = await judgeFailures(input([t('x', 'fail')], [t('x', 'pass')]), probes);
    expect(j.failures).toMatchObject([{ name: 'x', class: 'flaky' }]);
  });

  it('treats a test seen flaky often enough as flaky without rerunning it', async () => {
    const { probes, calls } = scripted(3, () => 'fail');
    const history: Stability = { passes: 10, fails: 4, flakyCount: 3 };
    const j = await judgeFailures(
      input([t('noisy', 'fail')], [t('noisy', 'pass')], { stability: () => history }),
      probes,
    );
    expect(j.failures).toMatchObject([
      { name: 'noisy', class: 'flaky', reason: 'known flaky: seen flaky 3 times before' },
    ]);
    expect(calls).toEqual([]);
  });

  it('lists fixed base failures', async () => {
    const { probes } = scripted(3, () => 'pass');
    const j = await judgeFailures(input([t('lru_bug', 'pass')], [t('lru_bug', 'fail')]), probes);
    expect(j.failures).toMatchObject([{ name: 'lru_bug', class: 'fixed' }]);
  });

  it('blames the only patch of a one-patch series without bisecting', async () => {
    const { probes, calls } = scripted(1, (k) => (k >= 1 ? 'fail' : 'pass'));
    const j = await judgeFailures(input([t('reg', 'fail')], [], { patchCount: 1 }), probes);
    expect(j.failures).toMatchObject([{ class: 'new', guiltyPatch: 1 }]);
    expect(calls.filter((c) => c.startsWith('k'))).toEqual([]);
  });

  it('stops without blaming anyone when a rerun hits infrastructure', async () => {
    const { probes } = scripted(3, () => 'fail');
    probes.rerunBase = async () => ({ infra: 'harness timeout' });
    const j = await judgeFailures(input([t('x', 'fail')], [t('x', 'pass')]), probes);
    expect(j.infraReason).toBe('rerun on the base: harness timeout');
    expect(j.failures.filter((f) => f.class === 'new')).toEqual([]);
  });

  it('stops without a guilty patch when a bisection probe hits infrastructure', async () => {
    const { probes } = scripted(4, (k) => (k >= 3 ? 'fail' : 'pass'));
    probes.probe = async () => ({ infra: 'VM_FAILED: qemu died' });
    const j = await judgeFailures(
      input([t('x', 'fail')], [t('x', 'pass')], { patchCount: 4 }),
      probes,
    );
    expect(j.infraReason).toBe('bisection: VM_FAILED: qemu died');
    expect(j.guiltyPatch).toBeUndefined();
  });

  it('keeps a failure new but unbisected when bisection is off', async () => {
    const { probes, calls } = scripted(3, (k) => (k >= 2 ? 'fail' : 'pass'));
    const j = await judgeFailures(
      input([t('x', 'fail')], [t('x', 'pass')], { bisect: false }),
      probes,
    );
    expect(j.failures).toMatchObject([{ class: 'new' }]);
    expect(j.guiltyPatch).toBeUndefined();
    expect(calls.filter((c) => c.startsWith('k'))).toEqual([]);
  });
});

describe('judgeFailures: veristat programs', () => {
  const v = (name: string, status: TestStatus): TestObservation => ({
    suite: 'veristat',
    name,
    status,
  });

  it('lists a program the series adds that does not verify; judges one that verified on the base', async () => {
    const { probes, calls } = scripted(3, (k, name) =>
      name === 'old.bpf.o/prog' && k >= 2 ? 'fail' : 'pass',
    );
    const j = await judgeFailures(
      input(
        [v('new.bpf.o/prog', 'fail'), v('old.bpf.o/prog', 'fail')],
        [v('old.bpf.o/prog', 'pass')],
        { addedNotJudged: ['veristat'] },
      ),
      probes,
    );
    expect(j.failures.map((f) => [f.name, f.class])).toEqual([
      ['new.bpf.o/prog', 'added'],
      ['old.bpf.o/prog', 'new'],
    ]);
    expect(calls.every((c) => !c.includes('new.bpf.o'))).toBe(true);
  });
});
