import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { AppContext } from '../context.js';
import { BotError } from '../errors.js';
import { fetchTree, treeTip } from '../trees/fetch.js';
import { ensureMirror } from '../trees/mirror.js';
import { treeInfo } from '../trees/tree-config.js';
import { currentHolder } from './holder.js';
import { recordLaneHead, tryLockLane, unlockLane } from './lock.js';
import { resetWorktree } from './reset.js';
import { ensureWorktree } from './worktree.js';

/** A tree's persistent worktree and build directory, held by one job at a time. */
export interface Lane {
  tree: string;
  /** The git worktree (detached HEAD) where series are applied. */
  worktree: string;
  /** The kernel build output (make O=...), beside the worktree, kept between jobs. */
  buildDir: string;
  ccacheDir: string;
  /** The bare mirror the worktree belongs to. */
  mirror: string;
  release(): Promise<void>;
}

export interface AcquireOptions {
  jobId?: string;
  /** Keep trying this long while another live job holds the lane (default: fail at once). */
  waitMs?: number;
}

export function laneDirs(ctx: Pick<AppContext, 'config' | 'stateDir'>, tree: string) {
  const root = join(ctx.stateDir, 'lanes', tree);
  return {
    worktree: join(root, 'src'),
    buildDir: join(root, 'build'),
    ccacheDir: resolve(ctx.config.build.ccacheDir ?? join(ctx.stateDir, 'ccache')),
  };
}

/**
 * Takes the tree's lane for one job: locks it (clearing a lock left by a dead
 * process), makes sure the mirror and the worktree exist, and returns it. The
 * worktree is where the last job left it; the caller resets it (resetLane) to the
 * base it chose. Throws LANE_BUSY when a live job holds it.
 */
export async function acquireLane(
  ctx: AppContext,
  tree: string,
  options: AcquireOptions = {},
): Promise<Lane> {
  const t = treeInfo(ctx, tree);
  const dirs = laneDirs(ctx, tree);
  const me = currentHolder();
  const deadline = Date.now() + (options.waitMs ?? 0);
  for (;;) {
    const outcome = tryLockLane(ctx.db, { tree, ...dirs }, me, options.jobId ?? null);
    if (outcome.locked) {
      if (outcome.clearedStale)
        ctx.log.warn({ tree, stale: outcome.clearedStale }, 'stale lane lock cleared');
      break;
    }
    if (Date.now() >= deadline) {
      const h = outcome.holder;
      throw new BotError(
        'LANE_BUSY',
        `lane ${tree} is held by pid ${h.pid} (job ${h.jobId ?? '-'}) since ${h.since}`,
      );
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  let released = false;
  const release = async (): Promise<void> => {
    if (released) return;
    released = true;
    unlockLane(ctx.db, tree, me);
  };
  try {
    await ensureMirror(ctx, t);
    const tip = (await treeTip(ctx, tree)) ?? (await fetchTree(ctx, tree)).sha;
    await mkdir(dirs.buildDir, { recursive: true });
    await mkdir(dirs.ccacheDir, { recursive: true });
    await ensureWorktree(t.mirror, dirs.worktree, tip, ctx.log);
    return { tree, ...dirs, mirror: t.mirror, release };
  } catch (err) {
    await release();
    throw err;
  }
}

/** Resets the lane to `sha` (see resetWorktree) and records where it is. */
export async function resetLane(lane: Lane, sha: string, ctx?: AppContext): Promise<void> {
  await resetWorktree(lane.worktree, sha);
  if (ctx) recordLaneHead(ctx.db, lane.tree, sha);
}
