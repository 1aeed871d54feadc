import { join } from 'node:path';
import type { ScopedEntry } from '../../blacklist/load.js';
import { observationsOf, type TestObservation } from '../../verdict/observations.js';
import type { BuildResult } from '../../verdict/stages.js';
import { BOOT_TEST, KERNEL_SUITE, OLDER_BUILD_TEST, onOlderKernel } from '../../verdict/suites.js';
import type { OlderKernelResult } from '../../verdict/verdict.js';
import { withInfraRetry } from '../judge/infra.js';
import { hangPolicy, type LaneRunSpec, type LaneSession } from '../lane-run.js';
import type { HeldLane, RunnableSeries, SuiteSpec } from '../stages.js';
import type { OlderKernel } from './kernel.js';

/** One older kernel as a job's lane session holds it. */
export interface OlderTarget {
  kernel: OlderKernel;
  suites: SuiteSpec[];
  /** The deny/allow lists in force there (its version files included). */
  lists: ScopedEntry[];
  /** The lane state its selftests were last built at, and where they are. */
  built?: { at: number; selftestsDir: string };
}

/** What one run got from one older kernel: its result and its tests, suites qualified. */
export interface OlderOutcome {
  result: OlderKernelResult;
  tests: TestObservation[];
}

/** Pseudo-suites a targeted run cannot select tests of: asking about one reruns the kernel whole. */
const WHOLE = [KERNEL_SUITE, BOOT_TEST.suite, OLDER_BUILD_TEST.suite];

/** Whether a run (targeted by `only`, or whole) has anything to do on this kernel. */
export function wantsOlder(t: OlderTarget, only: Record<string, string[]> | undefined): boolean {
  if (!only) return true;
  const q = (suite: string) => onOlderKernel(suite, t.kernel.name);
  return [...t.suites.map((s) => s.name), ...WHOLE].some((s) => only[q(s)]?.length);
}

/**
 * The lane's selftests at base + k patches, built for an older kernel (kept while the
 * lane stays at k) and run there. What goes wrong on the host, or an image that does
 * not boot, is infrastructure for this kernel only: the run goes on without it. A
 * series whose selftests stop building for it fails a pseudo-test, judged like any.
 */
export async function runOnOlderKernel<S extends RunnableSeries, L extends HeldLane>(
  s: LaneSession<S, L>,
  t: OlderTarget,
  k: number,
  spec: LaneRunSpec,
  dir: string,
): Promise<OlderOutcome> {
  const { name, release } = t.kernel;
  const q = (suite: string) => onOlderKernel(suite, name);
  const infra = (reason: string, build?: BuildResult): OlderOutcome => ({
    result: { name, release, status: 'infra', reason, ...(build ? { build } : {}) },
    tests: [],
  });
  const matrix = s.stages.matrix;
  if (!matrix) return infra('no matrix stages configured');
  let build: BuildResult | undefined;
  if (t.built?.at !== k) {
    t.built = undefined;
    const built = await withInfraRetry(
      () =>
        s.slot('build', () =>
          matrix.build(s.ctx, s.lane, t.kernel, { logDir: join(dir, 'build'), signal: s.signal }),
        ),
      (b) => (b.result.status === 'timeout' ? 'the selftests build timed out' : undefined),
      s.retry,
    );
    if (!built.ok) return infra(`selftests build: ${built.reason}`, built.last?.result);
    build = built.value.result;
    if (build.status !== 'pass') {
      const excerpt = build.firstError?.context ?? build.firstError?.message ?? build.status;
      const failed = { suite: q(OLDER_BUILD_TEST.suite), name: OLDER_BUILD_TEST.name };
      return {
        result: { name, release, status: 'tested', reason: 'the selftests do not build', build },
        tests: [{ ...failed, status: 'fail', excerpt }],
      };
    }
    t.built = { at: k, selftestsDir: built.value.selftestsDir };
  }
  const only = spec.only;
  const whole = !only || WHOLE.some((p) => only[q(p)]);
  const mine: Record<string, string[]> | undefined = whole ? undefined : {};
  for (const x of mine ? t.suites : []) {
    const names = only?.[q(x.name)];
    if (mine && names?.length) mine[x.name] = names;
  }
  const suites = mine ? t.suites.filter((x) => mine[x.name]) : t.suites;
  const selftestsDir = t.built.selftestsDir;
  const booted = await withInfraRetry(
    () =>
      s.slot('vm', () =>
        s.stages.bootAndTest(s.ctx, {
          kernelImage: t.kernel.image,
          kernelRelease: release,
          ...(t.kernel.modulesDir ? { modulesDir: t.kernel.modulesDir } : {}),
          selftestsDir,
          suites,
          ...(mine ? { only: mine } : {}),
          lists: t.lists,
          artifactsDir: join(dir, 'boot'),
          signal: s.signal,
        }),
      ),
    hangPolicy(spec.kind),
    s.retry,
  );
  if (!booted.ok) return infra(booted.reason, build);
  const tests = observationsOf(booted.value).map((o) => ({ ...o, suite: q(o.suite) }));
  return {
    result: { name, release, status: 'tested', boot: booted.value, ...(build ? { build } : {}) },
    tests,
  };
}
