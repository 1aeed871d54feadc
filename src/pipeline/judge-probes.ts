import { type TestObservation, testKey } from '../verdict/observations.js';
import { BOOT_TEST, KERNEL_SUITE, OLDER_BUILD_TEST, olderKernelOf } from '../verdict/suites.js';
import type { JudgeProbes, ProbeOutcome } from './judge/judge-failures.js';
import { type LaneRun, type LaneSession, runAt } from './lane-run.js';
import type { HeldLane, RunnableSeries } from './stages.js';

/**
 * The judge's extra runs, on the job's lane: reruns of the series kernel (no
 * rebuild), once on the base, and bisection probes at base + k patches. Each
 * runs only the tests asked about, and is recorded as its own run.
 */
export function laneProbes<S extends RunnableSeries, L extends HeldLane>(
  s: LaneSession<S, L>,
  seriesRunId: number,
  patchCount: number,
): JudgeProbes {
  const probe = async (
    k: number,
    kind: 'rerun' | 'bisect',
    tests: TestObservation[],
  ): Promise<ProbeOutcome> =>
    probeOutcome(await runAt(s, k, { kind, parentId: seriesRunId, only: onlyOf(tests) }), tests);
  return {
    rerunSeries: (tests) => probe(patchCount, 'rerun', tests),
    rerunBase: (tests) => probe(0, 'rerun', tests),
    probe: (k, tests) => probe(k, 'bisect', tests),
  };
}

/**
 * `only` for the boot stage, per suite. A crash or a failed boot is not a test
 * that can be selected: when one is asked about, everything runs again.
 */
export function onlyOf(tests: TestObservation[]): Record<string, string[]> | undefined {
  if (tests.some((t) => t.suite === KERNEL_SUITE || t.suite === BOOT_TEST.suite)) return undefined;
  const only: Record<string, string[]> = {};
  for (const t of tests) only[t.suite] = [...(only[t.suite] ?? []), t.name];
  return only;
}

function probeOutcome(run: LaneRun, asked: TestObservation[]): ProbeOutcome {
  if (run.kind === 'tested') return { tests: [...run.tests, ...notSeenAgain(run.tests, asked)] };
  if (run.kind === 'no-boot') return { tests: run.tests };
  if (run.kind === 'infra') return { infra: run.reason };
  // A state of the series that does not build cannot pass the tests: count them failing there.
  return {
    tests: asked.map((t) => ({
      ...t,
      status: 'fail' as const,
      excerpt: 'this state of the series does not build',
    })),
  };
}

/** Pseudo-tests that only ever fail (crashes, hangs, an older kernel's selftests build). */
function failOnly(qualified: string): boolean {
  const { suite, kernel } = olderKernelOf(qualified);
  return suite === KERNEL_SUITE || (kernel !== undefined && suite === OLDER_BUILD_TEST.suite);
}

/**
 * A crash or a hang asked about that a whole run did not show again passed there: it has
 * no result line of its own, so its absence is the pass (and one that does not repeat
 * is flaky, not the series'). So does an older kernel's selftests build that worked.
 */
function notSeenAgain(got: TestObservation[], asked: TestObservation[]): TestObservation[] {
  const seen = new Set(got.map(testKey));
  return asked
    .filter((t) => failOnly(t.suite) && !seen.has(testKey(t)))
    .map((t) => ({ suite: t.suite, name: t.name, status: 'pass' as const }));
}
