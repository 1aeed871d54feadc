import type { Stability } from '../../db/stability.js';
import type { JudgedFailure } from '../../verdict/failures.js';
import { type TestObservation, testKey } from '../../verdict/observations.js';
import type { TestStatus } from '../../verdict/tests.js';
import { bisect } from './bisect.js';
import { compareWithBaseline } from './compare.js';
import { isKnownFlaky, judgeReruns } from './flaky.js';

/** A run of only some tests, or the infrastructure reason it could not run. */
export type ProbeOutcome = { tests: TestObservation[] } | { infra: string };

/** The extra runs the judge may ask for; each runs ONLY the given tests. */
export interface JudgeProbes {
  /** Once more on the series kernel (already built). */
  rerunSeries(tests: TestObservation[]): Promise<ProbeOutcome>;
  /** Once more on the base kernel. */
  rerunBase(tests: TestObservation[]): Promise<ProbeOutcome>;
  /** On base + the first k patches. */
  probe(k: number, tests: TestObservation[]): Promise<ProbeOutcome>;
}

export interface JudgeInput {
  series: TestObservation[];
  baseline: TestObservation[];
  patchCount: number;
  /**
   * Suites whose tests the series may add, failing, without blame (veristat: a new
   * program that does not verify is listed; only one that verified on the base is judged).
   */
  addedNotJudged?: string[];
  reruns: number;
  bisect: boolean;
  flakyThreshold: number;
  stability(suite: string, name: string): Stability | undefined;
}

export interface Judgement {
  failures: JudgedFailure[];
  guiltyPatch?: number;
  extra: { seriesReruns: number; baseReruns: number; bisect: number };
  /** Tests seen both failing and passing on one kernel in this job. */
  flaky: TestObservation[];
  infraReason?: string;
}

/**
 * Classifies every failure of a series run: pre-existing and fixed against the
 * baseline; known-flaky by history; then each remaining new failure is rerun
 * (only those tests) on the series kernel and, unless a rerun passed, once on
 * the base, and the ones that stay new are bisected to the patch that
 * introduced them. An
 * infrastructure outcome during any of it stops the judgement: nobody is blamed.
 */
export async function judgeFailures(input: JudgeInput, probes: JudgeProbes): Promise<Judgement> {
  const cmp = compareWithBaseline(input.series, input.baseline);
  const failures: JudgedFailure[] = [
    ...cmp.preExisting.map((t) => judged(t, 'pre-existing', 'fails on the base too')),
    ...cmp.fixed.map((t) => judged(t, 'fixed', 'fails on the base, passes with the series')),
  ];
  const extra = { seriesReruns: 0, baseReruns: 0, bisect: 0 };
  const out: Judgement = { failures, extra, flaky: [] };
  const candidates: TestObservation[] = [];
  const onBase = new Set(input.baseline.map(testKey));
  const added = new Set(input.addedNotJudged ?? []);
  for (const t of cmp.new) {
    if (added.has(t.suite) && !onBase.has(testKey(t))) {
      failures.push(judged(t, 'added', 'added by the series; listed, not judged'));
      continue;
    }
    const s = input.stability(t.suite, t.name);
    if (isKnownFlaky(s, input.flakyThreshold)) {
      const n = s?.flakyCount ?? 0;
      failures.push(
        judged(t, 'flaky', `known flaky: seen flaky ${n} time${n === 1 ? '' : 's'} before`),
      );
    } else candidates.push(t);
  }
  if (candidates.length === 0) return out;

  const seriesStatuses = new Map<string, (TestStatus | undefined)[]>(
    candidates.map((t) => [testKey(t), []]),
  );
  for (let i = 0; i < input.reruns; i++) {
    const r = await probes.rerunSeries(candidates);
    extra.seriesReruns += 1;
    if ('infra' in r) return { ...out, infraReason: `rerun on the series kernel: ${r.infra}` };
    const got = byKey(r.tests);
    for (const [key, list] of seriesStatuses) list.push(got.get(key)?.status);
  }
  // A test that passed a rerun is flaky already: the base rerun is for the others.
  const passedRerun = (t: TestObservation) => seriesStatuses.get(testKey(t))?.includes('pass');
  const stillFailing = candidates.filter((t) => !passedRerun(t));
  let baseGot = new Map<string, TestObservation>();
  if (stillFailing.length > 0) {
    const base = await probes.rerunBase(stillFailing);
    extra.baseReruns += 1;
    if ('infra' in base) return { ...out, infraReason: `rerun on the base: ${base.infra}` };
    baseGot = byKey(base.tests);
  }

  const confirmed: TestObservation[] = [];
  const blamed: JudgedFailure[] = [];
  for (const t of candidates) {
    const j = judgeReruns(seriesStatuses.get(testKey(t)) ?? [], baseGot.get(testKey(t))?.status);
    if (j.class === 'flaky') out.flaky.push(t);
    else confirmed.push(t);
    (j.class === 'flaky' ? failures : blamed).push(judged(t, j.class, j.reason));
  }
  failures.push(...blamed);
  if (confirmed.length === 0) return out;
  if (input.patchCount === 1) {
    for (const f of blamed) f.guiltyPatch = 1;
    return { ...out, guiltyPatch: 1 };
  }
  if (!input.bisect) return out;
  let infra: string | undefined;
  const result = await bisect(input.patchCount, confirmed.map(testKey), async (k) => {
    extra.bisect += 1;
    const r = infra ? { infra } : await probes.probe(k, confirmed);
    if ('infra' in r) {
      infra = r.infra;
      return new Set<string>();
    }
    return new Set(r.tests.filter((t) => t.status === 'fail').map(testKey));
  });
  if (infra) return { ...out, infraReason: `bisection: ${infra}` };
  for (const f of blamed) {
    f.guiltyPatch = result.perTest.get(testKey(f));
    f.guiltyRange = result.ranges.get(testKey(f));
  }
  return { ...out, guiltyPatch: result.guilty };
}

function judged(t: TestObservation, cls: JudgedFailure['class'], reason: string): JudgedFailure {
  return { suite: t.suite, name: t.name, class: cls, excerpt: t.excerpt, reason };
}

function byKey(tests: TestObservation[]): Map<string, TestObservation> {
  return new Map(tests.map((t) => [testKey(t), t]));
}
