import type { AppContext } from '../context.js';
import { createRun, finishRun, latestSeriesVerdict } from '../db/runs.js';
import { loadStability, recordFlaky } from '../db/stability.js';
import { BotError } from '../errors.js';
import type { TestObservation } from '../verdict/observations.js';
import type { Verdict } from '../verdict/verdict.js';
import {
  type BaselineInputs,
  type BaselineStore,
  baselineKey,
  ensureBaseline,
} from './baseline.js';
import { bisectBuildBreak } from './build-bisect.js';
import { judgeFailures } from './judge/judge-failures.js';
import { seriesVerdict, type VerdictInput } from './judge/verdict.js';
import { veristatGrowth } from './judge/veristat-growth.js';
import { versionDiff } from './judge/version-diff.js';
import { laneProbes } from './judge-probes.js';
import { type LaneRun, type LaneSession, runAt, type SlotFn } from './lane-run.js';
import { olderBaselines } from './matrix/baselines.js';
import { planMatrix } from './matrix/plan.js';
import { matrixVerdict } from './matrix/verdict.js';
import type { HeldLane, RunnableSeries, Stages } from './stages.js';

export interface RunnerOptions<S extends RunnableSeries, L extends HeldLane = HeldLane> {
  stages: Stages<S, L>;
  /** The operator's or the queue's choice of tree; by default routing decides. */
  tree?: string;
  signal?: AbortSignal;
  slot?: SlotFn;
  sleep?: (ms: number) => Promise<void>;
  /** Why this run: `posted`, `retest by <who>` (kept with the run for the series page). */
  trigger?: string;
  /** Where baselines are shared (default: this host's database; a fleet's coordinator). */
  baselines?: BaselineStore;
}

export interface SeriesRun {
  runId: number;
  verdict: Verdict;
}

/**
 * Runs one series revision through apply → build → boot+test → judge and
 * returns its verdict, stored on the series run. Test outcomes are verdicts;
 * infrastructure outcomes are retried inside and end as an 'infra' verdict, which the
 * daemon queues again (daemon.retry).
 * Throws only for what the daemon must handle: a busy lane, cancellation, bugs.
 */
export async function runSeries<S extends RunnableSeries, L extends HeldLane>(
  ctx: AppContext,
  seriesId: number,
  opts: RunnerOptions<S, L>,
): Promise<SeriesRun> {
  const series = opts.stages.loadSeries(ctx, seriesId);
  if (!series) throw new BotError('NOT_FOUND', `series ${seriesId} not found`);
  const runId = createRun(ctx.db, {
    kind: 'series',
    key: `series:${seriesId}`,
    seriesId,
    ...(opts.trigger ? { trigger: opts.trigger } : {}),
  });
  const log = ctx.log.child({ seriesId, runId });
  try {
    const { verdict, tests } = await judgeSeries({ ...ctx, log }, series, runId, opts);
    finishRun(ctx.db, runId, {
      status: verdict.verdict === 'infra' ? 'infra' : 'done',
      verdict,
      tests,
    });
    log.info({ verdict: verdict.verdict, extraRuns: verdict.extraRuns }, 'series judged');
    return { runId, verdict };
  } catch (err) {
    const cancelled = err instanceof BotError && err.code === 'CANCELLED';
    finishRun(ctx.db, runId, { status: cancelled ? 'cancelled' : 'error' });
    throw err;
  }
}

async function judgeSeries<S extends RunnableSeries, L extends HeldLane>(
  ctx: AppContext,
  series: S,
  runId: number,
  opts: RunnerOptions<S, L>,
): Promise<{ verdict: Verdict; tests: TestObservation[] }> {
  const { stages } = opts;
  const { result: applied, lane } = await stages.apply(ctx, series, {
    tree: opts.tree,
    signal: opts.signal,
  });
  try {
    if (applied.status !== 'pass')
      return { verdict: assemble({ apply: applied, failures: [] }), tests: [] };
    const judge = ctx.config.judge;
    const identity = await stages.identity(ctx, lane, applied);
    const n = applied.patches.length;
    const session: LaneSession<S, L> = {
      ctx,
      stages,
      lane,
      applied,
      series,
      suites: ctx.config.suites,
      lists: identity.lists,
      retry: {
        retries: judge.infraRetries,
        backoffMs: judge.infraBackoffSeconds * 1000,
        sleep: opts.sleep,
      },
      slot: opts.slot ?? ((_kind, fn) => fn()),
      signal: opts.signal,
      at: n,
      older: [],
    };
    const matrix = await planMatrix(ctx, stages.matrix, lane, applied, session.slot);
    session.older = matrix?.targets ?? [];
    const inputs: BaselineInputs = {
      tree: applied.tree,
      baseSha: applied.baseSha,
      configHash: identity.configHash,
      toolchain: identity.toolchain,
      suites: [JSON.stringify(ctx.config.suites), `deny:${JSON.stringify(identity.denylist)}`],
    };
    const baselineRef = { key: baselineKey(inputs), tree: applied.tree, baseSha: applied.baseSha };
    const ensure = {
      staleMs: judge.baselineStaleSeconds * 1000,
      store: opts.baselines,
      signal: opts.signal,
      sleep: opts.sleep,
    };
    const own = { own: true, older: [] };
    const base = await ensureBaseline(
      ctx,
      inputs,
      async (baseRunId) =>
        baseProduct(await runAt(session, 0, { kind: 'baseline', runId: baseRunId, scope: own })),
      ensure,
    );
    const common = { apply: applied, baselineRunId: base.runId, baseline: baselineRef };
    if (base.state === 'infra') {
      const infraReason = `the base ${applied.tree}@${applied.baseSha.slice(0, 12)} ${base.reason}`;
      return {
        verdict: { ...assemble({ apply: applied, failures: [], infraReason }), ...common },
        tests: [],
      };
    }

    const olderBase = await olderBaselines(ctx, session, inputs, ensure);
    const first = await runAt(session, n, { kind: 'series', runId });
    if (first.kind === 'infra') {
      return {
        verdict: {
          ...assemble({
            apply: applied,
            build: first.builds,
            failures: [],
            infraReason: first.reason,
          }),
          ...common,
        },
        tests: [],
      };
    }
    if (first.kind === 'build-failed') {
      const bisected = await bisectBuildBreak(session, first.builds);
      const v = assemble({ apply: applied, build: bisected.builds, failures: [] });
      const guiltyPatch =
        bisected.guilty === undefined ? undefined : applied.patches[bisected.guilty - 1]?.index;
      return { verdict: { ...v, ...common, guiltyPatch, extraRuns: bisected.runs }, tests: [] };
    }

    // veristat suites: programs the series adds are listed, growth is warned about.
    const veristat = ctx.config.suites.filter((s) => s.kind === 'veristat');
    const judgement = await judgeFailures(
      {
        series: first.tests,
        baseline: [...base.tests, ...olderBase.tests],
        patchCount: n,
        addedNotJudged: veristat.map((s) => s.name),
        reruns: judge.reruns,
        bisect: judge.bisect,
        flakyThreshold: judge.flakyThreshold,
        stability: (suite, name) => loadStability(ctx.db, suite, name),
      },
      laneProbes(session, runId, n),
    );
    for (const t of judgement.flaky) recordFlaky(ctx.db, t.suite, t.name);
    // Bisection counts patches in apply order; reports name the series' own patch index.
    const indexOf = (k: number | undefined) =>
      k === undefined ? undefined : applied.patches[k - 1]?.index;
    for (const f of judgement.failures) f.guiltyPatch = indexOf(f.guiltyPatch);
    const extra = judgement.extra;
    const growth = veristat.flatMap((s) =>
      veristatGrowth(first.tests, base.tests, { suite: s.name, growthPercent: s.growthPercent }),
    );
    const verdict: Verdict = {
      ...assemble({
        apply: applied,
        build: first.builds,
        failures: judgement.failures,
        infraReason: judgement.infraReason,
        growth,
      }),
      ...common,
      boot: first.kind === 'tested' ? first.boot : undefined,
      guiltyPatch: indexOf(judgement.guiltyPatch),
      extraRuns: extra.seriesReruns + extra.baseReruns + extra.bisect,
      extraRunsDetail: extra,
      versionDiff: previousDiff(ctx, series, judgement.failures),
      ...(growth.length ? { growth } : {}),
      ...(matrix ? { matrix: matrixVerdict(matrix, olderBase.infra, first.older) } : {}),
    };
    return { verdict, tests: first.tests };
  } finally {
    await lane.release();
  }
}

function assemble(input: VerdictInput): Verdict {
  const { verdict, summary } = seriesVerdict(input);
  return {
    verdict,
    summary,
    apply: input.apply,
    build: input.build,
    failures: input.failures,
    extraRuns: 0,
  };
}

/** The base is never the author's: anything but test results from it is infrastructure. */
function baseProduct(
  run: LaneRun,
): { ok: true; tests: TestObservation[] } | { ok: false; reason: string } {
  if (run.kind === 'tested') return { ok: true, tests: run.tests };
  if (run.kind === 'build-failed') return { ok: false, reason: 'does not build' };
  if (run.kind === 'no-boot') return { ok: false, reason: `does not boot (${run.reason})` };
  return { ok: false, reason: `could not be tested: ${run.reason}` };
}

export function previousDiff(
  ctx: AppContext,
  series: RunnableSeries,
  failures: Verdict['failures'],
): Verdict['versionDiff'] {
  if (series.previousId === undefined) return undefined;
  const previous = latestSeriesVerdict(ctx.db, series.previousId);
  if (!previous || previous.verdict.verdict === 'infra') return undefined;
  return versionDiff(failures, previous.verdict.failures, series.previousId);
}
