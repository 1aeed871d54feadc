import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AppContext } from '../context.js';
import { fetchTree, treeTip } from '../trees/fetch.js';
import { git } from '../trees/git.js';
import { holderAlive } from './holder.js';
import { acquireLane, resetLane } from './lane.js';
import type { LaneRow } from './lock.js';

/**
 * Puts a lane back at its tree's tip after its job was killed (the daemon's cancel
 * path), waiting up to `waitMs` for the killed job to let go of it.
 */
export async function resetLaneByName(
  ctx: AppContext,
  tree: string,
  waitMs = 60_000,
): Promise<void> {
  const lane = await acquireLane(ctx, tree, { jobId: 'reset', waitMs });
  try {
    const tip = (await treeTip(ctx, tree)) ?? (await fetchTree(ctx, tree)).sha;
    await resetLane(lane, tip, ctx);
  } finally {
    await lane.release();
  }
}

/**
 * Deletes lanes (worktree, build dir) nobody used for `days` and nobody holds: a
 * tree dropped from config, or one no series went to. The mirror stays. Returns the
 * trees pruned.
 */
export async function pruneLanes(ctx: AppContext, days: number): Promise<string[]> {
  const cutoff = new Date(Date.now() - days * 86_400_000).toISOString();
  const rows = ctx.db
    .prepare('SELECT * FROM lanes WHERE updated_at < ?')
    .all(cutoff) as (LaneRow & {
    updated_at: string;
  })[];
  const pruned: string[] = [];
  for (const row of rows) {
    const held =
      row.holder_pid != null &&
      holderAlive({
        pid: row.holder_pid,
        start: row.holder_start ?? '',
        bootId: row.holder_boot ?? '',
      });
    if (held) continue;
    // Claim the row first, so nobody acquires the lane while it is being deleted.
    const claimed = ctx.db
      .prepare('DELETE FROM lanes WHERE tree = ? AND updated_at = ?')
      .run(row.tree, row.updated_at);
    if (claimed.changes !== 1) continue;
    const common = existsSync(`${row.worktree}/.git`)
      ? await git(row.worktree, ['rev-parse', '--path-format=absolute', '--git-common-dir'])
      : undefined;
    await rm(dirname(row.worktree), { recursive: true, force: true });
    // The mirror forgets the worktree (it may belong to a tree no longer in config).
    if (common?.ok && existsSync(common.out)) await git(common.out, ['worktree', 'prune']);
    ctx.log.info({ tree: row.tree, idleSince: row.updated_at }, 'idle lane pruned');
    pruned.push(row.tree);
  }
  return pruned;
}
