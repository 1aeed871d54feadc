import { listsKey } from '../../blacklist/suite-lists.js';
import type { AppContext } from '../../context.js';
import type { TestObservation } from '../../verdict/observations.js';
import type { OlderKernelResult } from '../../verdict/verdict.js';
import { type BaselineInputs, type EnsureOptions, ensureBaseline } from '../baseline.js';
import { type LaneRun, type LaneSession, runAt } from '../lane-run.js';
import type { HeldLane, RunnableSeries } from '../stages.js';
import type { OlderTarget } from './run-older.js';

/**
 * Each older kernel's baseline: the base's selftests on that kernel, once per (tree,
 * base, config, toolchain, suites, lists, kernel) and shared like the series kernel's,
 * so a test an old kernel never passed is never the series' fault. A kernel whose
 * base cannot be tested there leaves the session: infrastructure for it alone.
 */
export async function olderBaselines<S extends RunnableSeries, L extends HeldLane>(
  ctx: AppContext,
  s: LaneSession<S, L>,
  own: BaselineInputs,
  opts: EnsureOptions,
): Promise<{ tests: TestObservation[]; infra: OlderKernelResult[] }> {
  const tests: TestObservation[] = [];
  const infra: OlderKernelResult[] = [];
  for (const t of [...s.older]) {
    const base = await ensureBaseline(
      ctx,
      olderInputs(own, t),
      async (runId) => {
        const scope = { own: false, older: [t.kernel.name] };
        return olderProduct(await runAt(s, 0, { kind: 'baseline', runId, scope }));
      },
      opts,
    );
    if (base.state === 'ready') {
      tests.push(...base.tests);
      continue;
    }
    s.older = s.older.filter((x) => x !== t);
    const { name, release } = t.kernel;
    infra.push({ name, release, status: 'infra', reason: `the base on it ${base.reason}` });
  }
  return { tests, infra };
}

export function olderInputs(own: BaselineInputs, t: OlderTarget): BaselineInputs {
  return {
    ...own,
    suites: [
      JSON.stringify(t.suites),
      `deny:${JSON.stringify(listsKey(t.lists))}`,
      `kernel:${t.kernel.name}:${t.kernel.identity}`,
    ],
  };
}

function olderProduct(
  run: LaneRun,
): { ok: true; tests: TestObservation[] } | { ok: false; reason: string } {
  if (run.kind === 'infra') return { ok: false, reason: `could not be tested: ${run.reason}` };
  const outcome = run.kind === 'build-failed' ? undefined : run.older[0];
  if (!outcome) return { ok: false, reason: 'did not run' };
  if (outcome.result.status === 'infra')
    return { ok: false, reason: `could not be tested: ${outcome.result.reason}` };
  if (outcome.result.build && outcome.result.build.status !== 'pass')
    return { ok: false, reason: 'does not build its selftests' };
  return { ok: true, tests: outcome.tests };
}
