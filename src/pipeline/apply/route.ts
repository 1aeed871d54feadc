import type { AppContext } from '../../context.js';
import { acquireLane, type Lane } from '../../lanes/lane.js';
import type { ApplyResult } from '../../verdict/stages.js';
import { applySeries } from './apply-series.js';
import { type BaseChoice, selectBase } from './select-base.js';
import type { SeriesForApply } from './series-input.js';

export interface RoutedApply {
  result: ApplyResult;
  /** The lane the result is in, still held: the caller builds in it, then releases it. */
  lane: Lane;
}

export interface RouteOptions {
  /** Operator's choice of tree (no fallback then). */
  tree?: string;
  jobId?: string;
  waitMs?: number;
}

/**
 * The apply stage as the pipeline runs it: choose the base, take that tree's lane,
 * apply; when the series does not apply and routing.fallback names other trees, try
 * them in order (KPD's behaviour), each in its own lane. The result records every
 * attempt. The lane returned holds the successful attempt, or, when nothing applied,
 * the first (intended) one, re-applied so the lane matches the result reported.
 */
export async function applyRouted(
  ctx: AppContext,
  series: SeriesForApply,
  options: RouteOptions = {},
): Promise<RoutedApply> {
  const candidates = await selectBase(ctx, series, { tree: options.tree });
  const held = new Map<string, Lane>();
  const laneFor = async (tree: string): Promise<Lane> => {
    const lane = held.get(tree) ?? (await acquireLane(ctx, tree, options));
    held.set(tree, lane);
    return lane;
  };
  const attempts: NonNullable<ApplyResult['attempts']> = [];
  let chosen: RoutedApply | undefined;
  let first: RoutedApply | undefined;
  try {
    for (const base of candidates) {
      const lane = await laneFor(base.tree);
      const result = await applySeries(ctx, lane, series, { base });
      attempts.push(attemptOf(base, result));
      first ??= { result, lane };
      if (result.status !== 'conflict') {
        chosen = { result, lane };
        break;
      }
    }
    const primary = candidates[0] as BaseChoice;
    // A later attempt in the same tree moved the primary's lane: put it back.
    const moved = candidates.slice(1).some((c) => c.tree === primary.tree);
    if (!chosen && first && moved) {
      const lane = first.lane;
      chosen = { result: await applySeries(ctx, lane, series, { base: primary }), lane };
    }
    chosen ??= first;
    if (!chosen) throw new Error('selectBase returned no candidate');
  } catch (err) {
    for (const lane of held.values()) await lane.release();
    throw err;
  }
  for (const lane of held.values()) if (lane !== chosen.lane) await lane.release();
  const result = attempts.length > 1 ? { ...chosen.result, attempts } : chosen.result;
  return { lane: chosen.lane, result };
}

function attemptOf(base: BaseChoice, r: ApplyResult) {
  return {
    tree: base.tree,
    baseSha: base.sha,
    baseReason: base.reason,
    status: r.status,
    reason: r.reason,
  };
}
