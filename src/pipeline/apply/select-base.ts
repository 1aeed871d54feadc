import type { AppContext } from '../../context.js';
import { BotError } from '../../errors.js';
import { fetchTree, treeTip } from '../../trees/fetch.js';
import { resolveCommit } from '../../trees/git.js';
import { treeInfo } from '../../trees/tree-config.js';
import type { SeriesForApply } from './series-input.js';

export type BaseSource =
  | 'requested'
  | 'base-commit'
  | 'tag'
  | 'delegate'
  | 'default'
  | 'only-tree'
  | 'fallback';

export interface BaseChoice {
  tree: string;
  sha: string;
  source: BaseSource;
  /** One sentence a maintainer can read in the report. */
  reason: string;
}

/**
 * Picks where a series goes, most trusted first, and returns the candidates in the
 * order to try them:
 *  1. `--tree` from the operator;
 *  2. `base-commit:` when a mirror has that commit (the author said exactly where);
 *  3. the subject tag ("bpf-next"), then the Patchwork delegate, through
 *     routing.tags / routing.delegates (the tag is more specific: one delegate, "bpf",
 *     handles both bpf and bpf-next on netdevbpf);
 *  4. routing.default;
 * then the tips of routing.fallback, for when the first choice does not apply (as KPD).
 * An unknown base-commit is a hint that did not help: it is said in the reason, not an error.
 */
export async function selectBase(
  ctx: AppContext,
  series: SeriesForApply,
  options: { tree?: string; why?: string } = {},
): Promise<BaseChoice[]> {
  const routed = options.tree
    ? {
        tree: options.tree,
        source: 'requested' as const,
        why: options.why ?? `--tree ${options.tree}`,
      }
    : routeByMetadata(ctx, series);
  treeInfo(ctx, routed.tree);
  const first = await fromBaseCommit(ctx, series.baseCommit, routed.tree, !!options.tree);
  const tip = await tipOf(ctx, routed.tree);
  const primary: BaseChoice = first.choice ?? {
    tree: routed.tree,
    sha: tip,
    source: routed.source,
    reason: `${first.note}${routed.why} → ${routed.tree} at ${tip.slice(0, 12)}`,
  };
  const candidates = [primary];
  if (primary.source === 'base-commit') {
    const reason = `${routed.why} → ${routed.tree} at ${tip.slice(0, 12)}`;
    candidates.push({ tree: routed.tree, sha: tip, source: 'fallback', reason });
  }
  for (const tree of options.tree ? [] : (ctx.config.routing?.fallback ?? [])) {
    if (candidates.some((c) => c.tree === tree)) continue;
    const sha = await tipOf(ctx, tree);
    candidates.push({
      tree,
      sha,
      source: 'fallback',
      reason: `fallback to ${tree} at ${sha.slice(0, 12)}`,
    });
  }
  return candidates.filter(
    (c, i) => candidates.findIndex((o) => o.tree === c.tree && o.sha === c.sha) === i,
  );
}

function routeByMetadata(ctx: AppContext, series: SeriesForApply) {
  const routing = ctx.config.routing;
  const tag = series.treeTag?.toLowerCase();
  const byTag = tag
    ? Object.entries(routing?.tags ?? {}).find(([k]) => k.toLowerCase() === tag)?.[1]
    : undefined;
  if (tag && byTag) return { tree: byTag, source: 'tag' as const, why: `subject tag [${tag}]` };
  const byDelegate = series.delegate ? routing?.delegates[series.delegate] : undefined;
  if (byDelegate) {
    return { tree: byDelegate, source: 'delegate' as const, why: `delegate ${series.delegate}` };
  }
  const what = tag ? `subject tag [${tag}] not routed; ` : '';
  if (routing)
    return { tree: routing.default, source: 'default' as const, why: `${what}default tree` };
  const trees = Object.keys(ctx.config.trees);
  if (trees.length === 1 && trees[0]) {
    return { tree: trees[0], source: 'only-tree' as const, why: `${what}the only configured tree` };
  }
  throw new BotError(
    'CONFIG_INVALID',
    `routing.default: needed to choose among ${trees.length} trees`,
  );
}

/** Looks for base-commit in the routed tree's mirror first, then in every other mirror. */
async function fromBaseCommit(
  ctx: AppContext,
  baseCommit: string | undefined,
  routedTree: string,
  pinned: boolean,
): Promise<{ choice?: BaseChoice; note: string }> {
  if (!baseCommit) return { note: '' };
  if (!/^[0-9a-f]{7,64}$/i.test(baseCommit)) {
    return { note: 'base-commit is not a commit id; ' };
  }
  const others = pinned ? [] : Object.keys(ctx.config.trees).filter((t) => t !== routedTree);
  for (const tree of [routedTree, ...others]) {
    await tipOf(ctx, tree);
    const sha = await resolveCommit(treeInfo(ctx, tree).mirror, baseCommit.toLowerCase());
    if (sha) {
      const reason = `base-commit ${sha.slice(0, 12)} found in the ${tree} mirror`;
      return { choice: { tree, sha, source: 'base-commit', reason }, note: '' };
    }
  }
  return { note: `base-commit ${baseCommit.slice(0, 12)} is not in any mirror; ` };
}

async function tipOf(ctx: AppContext, tree: string): Promise<string> {
  return (await treeTip(ctx, tree)) ?? (await fetchTree(ctx, tree)).sha;
}
