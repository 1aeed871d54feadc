import { BotError } from '../../errors.js';
import type { Lane } from '../../lanes/lane.js';
import { resetWorktree } from '../../lanes/reset.js';
import type { ApplyResult } from '../../verdict/stages.js';

/**
 * The commit of "base + the first k patches" of an applied series. Patches that
 * were no-ops (already in the base) have no commit of their own: the state after
 * them is the last commit before them.
 */
export function commitAfter(result: ApplyResult, k: number): string {
  if (!Number.isInteger(k) || k < 0 || k > result.patches.length) {
    throw new BotError('INTERNAL', `no state after ${k} of ${result.patches.length} patches`);
  }
  let sha = result.baseSha;
  for (const p of result.patches.slice(0, k)) {
    if (p.status === 'failed' || p.status === 'not-attempted') {
      throw new BotError('INTERNAL', `patch ${p.index} was not applied; cannot check out past it`);
    }
    if (p.commit) sha = p.commit;
  }
  return sha;
}

/**
 * Moves the lane to base + first k patches (k = 0 is the base), rewriting only the
 * files that differ from where the lane is: the build dir's objects for every other
 * file stay valid, so bisecting a series rebuilds only what each step changes.
 */
export async function checkoutPatch(lane: Lane, result: ApplyResult, k: number): Promise<string> {
  if (result.tree !== lane.tree) {
    throw new BotError('INTERNAL', `result for ${result.tree} used on the ${lane.tree} lane`);
  }
  const sha = commitAfter(result, k);
  await resetWorktree(lane.worktree, sha);
  return sha;
}
