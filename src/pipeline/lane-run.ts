import { join } from 'node:path';
import type { ScopedEntry } from '../blacklist/load.js';
import type { AppContext } from '../context.js';
import { createRun, finishRun, type RunKind, setRunArtifacts } from '../db/runs.js';
import { recordObservations } from '../db/stability.js';
import { observationsOf, type TestObservation } from '../verdict/observations.js';
import type { ApplyResult, BootResult, BuildResult } from '../verdict/stages.js';
import { BOOT_TEST } from '../verdict/suites.js';
import { bootInfraReason, type RetryPolicy, withInfraRetry } from './judge/infra.js';
import {
  type OlderOutcome,
  type OlderTarget,
  runOnOlderKernel,
  wantsOlder,
} from './matrix/run-older.js';
import type { Built, HeldLane, RunnableSeries, Stages, SuiteSpec } from './stages.js';

/** Wraps a build or a boot in the daemon's global build/VM limits. */
export type SlotFn = <T>(kind: 'build' | 'vm', fn: () => Promise<T>) => Promise<T>;

/** One job's hold on a lane: where the lane is and what is built in it. */
export interface LaneSession<
  S extends RunnableSeries = RunnableSeries,
  L extends HeldLane = HeldLane,
> {
  ctx: AppContext;
  stages: Stages<S, L>;
  lane: L;
  applied: ApplyResult;
  series: S;
  suites: SuiteSpec[];
  lists: ScopedEntry[];
  retry: RetryPolicy;
  slot: SlotFn;
  signal?: AbortSignal;
  /** Patches of the series the lane's worktree holds (0 = the base). */
  at: number;
  /**
   * Patches the build dir's kernel was built from, when it matches a state, and the
   * test_verifier numbers its run printed (numbers hold within one build only).
   */
  built?: { at: number; output: Built; numbers?: Map<string, number> };
  /** The older kernels of the matrix this series runs on (none when it does not apply). */
  older: OlderTarget[];
}

export type LaneRun = { runId: number } & Executed;

export interface LaneRunSpec {
  kind: RunKind;
  /** An existing run row to fill (the series run); otherwise a new one is created. */
  runId?: number;
  parentId?: number;
  key?: string;
  only?: Record<string, string[]>;
  /**
   * Which kernels this run tests: the series' own and the named older ones (default:
   * all). Each kernel's baseline is its own run, shared on its own key.
   */
  scope?: { own: boolean; older: string[] };
}

/**
 * Puts the lane at base + k patches, builds it unless that kernel is already
 * built, boots it and runs the suites (or only some tests), retrying
 * infrastructure outcomes with backoff. Records the run and its test results;
 * a series run row is left open for the runner to close with the verdict.
 */
export async function runAt<S extends RunnableSeries, L extends HeldLane>(
  s: LaneSession<S, L>,
  k: number,
  spec: LaneRunSpec,
): Promise<LaneRun> {
  const { ctx } = s;
  const runId =
    spec.runId ??
    createRun(ctx.db, {
      kind: spec.kind,
      key: spec.key ?? `${spec.kind}:${s.series.id}:${k}`,
      seriesId: spec.kind === 'baseline' ? undefined : s.series.id,
      parentId: spec.parentId,
      patches: k,
    });
  const dir = join(ctx.stateDir, 'runs', String(runId));
  setRunArtifacts(ctx.db, runId, dir);
  const run = await execute(s, k, spec, dir);
  const out = { runId, ...run } as LaneRun;
  const tests = 'tests' in out ? out.tests : [];
  if (spec.kind !== 'bisect' && out.kind !== 'infra') recordObservations(ctx.db, tests);
  if (spec.runId === undefined) {
    finishRun(ctx.db, runId, { status: out.kind === 'infra' ? 'infra' : 'done', tests });
  }
  return out;
}

/** `boot` is absent when only older kernels ran (a probe of their failures alone). */
type Executed = { builds: BuildResult[] } & (
  | { kind: 'tested'; tests: TestObservation[]; boot?: BootResult; older: OlderOutcome[] }
  | { kind: 'build-failed' }
  | { kind: 'no-boot'; reason: string; tests: TestObservation[]; older: OlderOutcome[] }
  | { kind: 'infra'; reason: string }
);

/**
 * The series' own kernel first: its build failing or its host failing ends the run.
 * Then each older kernel, whose trouble is its own (OlderOutcome).
 */
async function execute<S extends RunnableSeries, L extends HeldLane>(
  s: LaneSession<S, L>,
  k: number,
  spec: LaneRunSpec,
  dir: string,
): Promise<Executed> {
  const only = spec.only;
  if (s.at !== k) {
    await s.stages.checkout(s.ctx, s.lane, s.applied, k);
    s.at = k;
  }
  const scope = spec.scope ?? { own: true, older: s.older.map((t) => t.kernel.name) };
  const own = scope.own && (!only || s.suites.some((x) => only[x.name]?.length));
  let mine: Executed = { kind: 'tested', tests: [], builds: [], older: [] };
  if (own) mine = await executeOwn(s, k, spec, dir);
  if (mine.kind === 'infra' || mine.kind === 'build-failed') return mine;
  const older: OlderOutcome[] = [];
  for (const t of s.older) {
    if (!scope.older.includes(t.kernel.name) || !wantsOlder(t, only)) continue;
    older.push(await runOnOlderKernel(s, t, k, spec, join(dir, 'matrix', t.kernel.name)));
  }
  return { ...mine, tests: [...mine.tests, ...older.flatMap((o) => o.tests)], older };
}

async function executeOwn<S extends RunnableSeries, L extends HeldLane>(
  s: LaneSession<S, L>,
  k: number,
  spec: LaneRunSpec,
  dir: string,
): Promise<Executed> {
  const only = spec.only;
  let builds: BuildResult[] = [];
  if (s.built?.at !== k) {
    s.built = undefined;
    const built = await withInfraRetry(
      () =>
        s.slot('build', () =>
          s.stages.build(s.ctx, s.lane, {
            logDir: join(dir, 'build'),
            baseSha: s.applied.baseSha,
            signal: s.signal,
          }),
        ),
      (b) => (b.results.some((r) => r.status === 'timeout') ? 'build timed out' : undefined),
      s.retry,
    );
    if (!built.ok)
      return { kind: 'infra', reason: `build: ${built.reason}`, builds: built.last?.results ?? [] };
    builds = built.value.results;
    if (builds.some((r) => r.status === 'fail' || r.status === 'contained'))
      return { kind: 'build-failed', builds };
    s.built = { at: k, output: built.value };
  }
  const built = s.built;
  const output = built.output;
  // A targeted run boots only the suites that hold the tests it checks.
  const suites = only ? s.suites.filter((x) => only[x.name]?.length) : s.suites;
  const verifierRanges = only ? rangesOf(suites, only, built.numbers) : undefined;
  const infraOf = hangPolicy(spec.kind);
  const booted = await withInfraRetry(
    () =>
      s.slot('vm', () =>
        s.stages.bootAndTest(s.ctx, {
          kernelImage: output.kernelImage,
          selftestsDir: output.selftestsDir,
          suites,
          ...(only ? { only } : {}),
          ...(verifierRanges ? { verifierRanges } : {}),
          lists: s.lists,
          artifactsDir: join(dir, 'boot'),
          signal: s.signal,
        }),
      ),
    infraOf,
    s.retry,
  );
  if (booted.ok && !only) built.numbers = verifierNumbers(booted.value);
  if (booted.ok) {
    const tests = observationsOf(booted.value);
    return { kind: 'tested', tests, boot: booted.value, builds, older: [] };
  }
  if (booted.last?.status === 'no-boot') {
    const tests = [{ ...BOOT_TEST, status: 'fail' as const, excerpt: booted.reason }];
    return { kind: 'no-boot', reason: booted.reason, tests, builds, older: [] };
  }
  return { kind: 'infra', reason: booted.reason, builds };
}

/**
 * Which boot outcomes are retried as infrastructure. A guest that hangs in a first run
 * is retried once; one that hangs again is a result (a `kernel` pseudo-test), judged
 * against the base and bisected. The judge's reruns and probes are repetitions already:
 * a hang there is a result at once, so a hang costs a few VM timeouts, not one per
 * infra retry.
 */
export function hangPolicy(kind: RunKind): (boot: BootResult) => string | undefined {
  let hangs = kind === 'series' || kind === 'baseline' ? 0 : 1;
  return (boot) => (boot.status === 'timeout' && ++hangs > 1 ? undefined : bootInfraReason(boot));
}

/** `suite/name` → test_verifier's `#n`, from a full run of one build. */
function verifierNumbers(boot: BootResult): Map<string, number> {
  const out = new Map<string, number>();
  for (const suite of boot.suites) {
    if (suite.kind !== 'test_verifier') continue;
    for (const t of suite.tests)
      if (t.number !== undefined) out.set(`${suite.suite}/${t.name}`, t.number);
  }
  return out;
}

/**
 * test_verifier's `[from to]` for the tests asked about, when this build's run numbered
 * all of them: one range from the lowest to the highest (the binary takes one range).
 * Unknown numbers (a bisection probe builds a state that never ran) mean a full run.
 */
function rangesOf(
  suites: SuiteSpec[],
  only: Record<string, string[]>,
  numbers: Map<string, number> | undefined,
): Record<string, [number, number]> | undefined {
  if (!numbers) return undefined;
  const out: Record<string, [number, number]> = {};
  for (const suite of suites) {
    if (suite.kind !== 'test_verifier') continue;
    // A repeated description's " (2)" suffix counts from the start of the run: a range
    // run would name it differently, so it needs the full run.
    const names = only[suite.name] ?? [];
    if (names.some((n) => / \(\d+\)$/.test(n))) continue;
    const nums = names.map((n) => numbers.get(`${suite.name}/${n}`));
    if (!nums.length || nums.some((n) => n === undefined)) continue;
    const known = nums as number[];
    out[suite.name] = [Math.min(...known), Math.max(...known)];
  }
  return Object.keys(out).length ? out : undefined;
}
