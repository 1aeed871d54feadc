import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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

/**
 * `6.1` from a source tree's top Makefile (VERSION = 6, PATCHLEVEL = 1): the version deny
 * list can be chosen before anything is built, e.g. for a baseline identity.
 */
export function treeKernelVersion(worktree: string): string | undefined {
  try {
    const make = readFileSync(join(worktree, 'Makefile'), 'utf8');
    const v = /^VERSION\s*=\s*(\d+)/m.exec(make)?.[1];
    const p = /^PATCHLEVEL\s*=\s*(\d+)/m.exec(make)?.[1];
    return v && p ? `${v}.${p}` : undefined;
  } catch {
    return undefined;
  }
}
