import type { AppContext } from '../context.js';
import { kernelReleaseOf } from '../pipeline/boot/kernel-release.js';
import { BLACKLIST_DIR, gitIsAncestor } from './ancestry.js';
import { type Blacklist, loadBlacklist } from './load.js';

export interface RunLists {
  /** The lane's worktree: `fixed-by:` entries expire when the commit is in its HEAD. */
  worktree: string;
  selftestsDir: string;
  kernelImage: string;
  kernelRelease?: string;
}

/**
 * The merged deny/allow lists for one boot of a lane's build: the tree's own
 * DENYLIST*, then blacklists/ for this arch and kernel version, with expired entries
 * dropped. What the runner's `identity` stage puts in BaselineIdentity.denylist.
 */
export function listsForRun(ctx: AppContext, run: RunLists): Promise<Blacklist> {
  const release = run.kernelRelease ?? kernelReleaseOf(run.kernelImage);
  return loadBlacklist({
    dir: BLACKLIST_DIR,
    selftestsDir: run.selftestsDir,
    arch: ctx.config.vm.arch,
    ...(release ? { kernelRelease: release } : {}),
    isAncestor: gitIsAncestor(run.worktree),
  });
}
