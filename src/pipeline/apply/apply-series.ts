import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { AppContext } from '../../context.js';
import { BotError } from '../../errors.js';
import { type Lane, resetLane } from '../../lanes/lane.js';
import { gitOk } from '../../trees/git.js';
import { treeInfo } from '../../trees/tree-config.js';
import type { ApplyResult, PatchApply } from '../../verdict/stages.js';
import { findUpstream } from './already-applied.js';
import { describeFailure } from './conflict.js';
import { amAbort, amOne } from './git-am.js';
import { type BaseChoice, selectBase } from './select-base.js';
import type { SeriesForApply, SeriesPatchInput } from './series-input.js';
import { summarise } from './summary.js';

export interface ApplyOptions {
  /** Apply only the first `upTo` patches (bisection). */
  upTo?: number;
  /** The base to apply on (from selectBase); by default the best base in the lane's tree. */
  base?: BaseChoice;
}

/** The ref that keeps the lane's applied commits reachable (one per lane). */
export function appliedRef(tree: string): string {
  return `refs/bpfci/lanes/${tree}/applied`;
}

/**
 * Resets the lane to the base and applies the series with `git am --3way`, one patch
 * at a time, so the result says which patch failed, on which files, with the conflict.
 * A failure is checked against the base's history: a series whose every patch is
 * already upstream is "already-applied", not a conflict. Never throws for a patch
 * that does not apply; throws BotError only for infrastructure (git, disk).
 */
export async function applySeries(
  ctx: AppContext,
  lane: Lane,
  series: SeriesForApply,
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  const base = options.base ?? (await baseInLane(ctx, lane, series));
  if (!base || base.tree !== lane.tree) {
    throw new BotError('INTERNAL', `base for ${base?.tree} given to the ${lane.tree} lane`);
  }
  const head = { tree: lane.tree, baseSha: base.sha, baseReason: base.reason };
  const todo = [...series.patches].sort((a, b) => a.index - b.index).slice(0, options.upTo);
  await resetLane(lane, base.sha, ctx);
  const missing = missingPatches(series);
  if (todo.length === 0 || missing.length > 0) {
    const reason = missing.length
      ? `the series is incomplete: patch ${missing.join(', ')} of ${series.expected} missing`
      : 'the series has no patches';
    return { ...head, status: 'skip', reason, patches: [], headSha: base.sha };
  }
  const t = treeInfo(ctx, lane.tree);
  const patchDir = join(dirname(lane.worktree), 'patches');
  await rm(patchDir, { recursive: true, force: true });
  await mkdir(patchDir, { recursive: true });
  const patches: PatchApply[] = [];
  let current = base.sha;
  for (const p of todo) {
    if (patches.some((x) => x.status === 'failed')) {
      patches.push({ index: p.index, subject: p.subject, status: 'not-attempted' });
      continue;
    }
    const file = join(patchDir, `${String(p.index).padStart(4, '0')}.mbox`);
    await writeFile(file, p.mbox);
    const am = await amOne(lane.worktree, file, t.applyTimeoutSeconds * 1000);
    if (am.timedOut) {
      await amAbort(lane.worktree);
      throw new BotError('EXEC_TIMEOUT', `git am of patch ${p.index} timed out`);
    }
    if (am.ok && am.head !== current) {
      patches.push({ index: p.index, subject: p.subject, status: 'applied', commit: am.head });
    } else if (am.ok) {
      // git am's "No changes -- Patch already applied": the base already has it.
      const upstream = { commit: base.sha, by: 'no-change' as const };
      patches.push({ index: p.index, subject: p.subject, status: 'already-applied', upstream });
    } else {
      const c = await describeFailure(lane.worktree, am.output, file);
      await amAbort(lane.worktree);
      patches.push({
        index: p.index,
        subject: p.subject,
        status: 'failed',
        failKind: c.kind,
        conflictFiles: c.files,
        conflictDiff: c.diff,
        error: c.error,
      });
    }
    current = am.ok ? am.head : current;
  }
  await gitOk(lane.worktree, ['update-ref', appliedRef(lane.tree), current]);
  if (patches.some((x) => x.status === 'failed')) {
    await markUpstream(lane, base.sha, todo, patches, t.alreadyAppliedLookback);
  }
  return { ...head, ...summarise(patches), patches, headSha: current };
}

/** Indexes 1..expected that the series lacks (a patch lost in transit, a partial re-roll). */
function missingPatches(series: SeriesForApply): number[] {
  const have = new Set(series.patches.map((p) => p.index));
  const n = series.expected ?? 0;
  return Array.from({ length: n }, (_, i) => i + 1).filter((i) => !have.has(i));
}

/** The routed base when it is in this lane's tree, else this tree's best base. */
async function baseInLane(ctx: AppContext, lane: Lane, series: SeriesForApply) {
  const routed = await selectBase(ctx, series);
  return (
    routed.find((c) => c.tree === lane.tree) ??
    (await selectBase(ctx, series, { tree: lane.tree, why: `the ${lane.tree} lane` }))[0]
  );
}

/** Marks the patches the base already has, so summarise() can tell "already applied". */
async function markUpstream(
  lane: Lane,
  base: string,
  todo: SeriesPatchInput[],
  patches: PatchApply[],
  lookback: number,
): Promise<void> {
  const found = await findUpstream(lane.worktree, base, todo, lookback);
  for (const p of patches) {
    const m = found.get(p.index);
    if (m && p.status !== 'applied') p.upstream = m;
  }
}
