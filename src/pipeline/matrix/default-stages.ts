import { join } from 'node:path';
import { BLACKLIST_DIR, gitIsAncestor } from '../../blacklist/ancestry.js';
import { loadBlacklist } from '../../blacklist/load.js';
import { listsKey } from '../../blacklist/suite-lists.js';
import type { Lane } from '../../lanes/lane.js';
import { gitOk } from '../../trees/git.js';
import { buildSelftests, SELFTESTS } from '../build/selftests.js';
import { selftestsDir } from '../build/target.js';
import type { MatrixStages } from '../stages.js';
import { prepareOlderKernel } from './kernel.js';

/**
 * The matrix's real stages: the series' diff, the prepared kernels, their lists, and
 * the lane's selftests built for each in <lane build>/matrix/<name> (kept between
 * series like the lane's own build, so a rebuild is incremental).
 */
export const defaultMatrixStages: MatrixStages<Lane> = {
  touched: async (_ctx, lane, applied) => {
    const head = applied.headSha ?? 'HEAD';
    const out = await gitOk(lane.worktree, ['diff', '--name-only', applied.baseSha, head]);
    return out.split('\n').filter(Boolean);
  },
  prepare: (ctx, kernel) => prepareOlderKernel(ctx, kernel),
  lists: async (ctx, lane, _applied, kernel) => {
    const lists = await loadBlacklist({
      dir: BLACKLIST_DIR,
      selftestsDir: join(lane.worktree, SELFTESTS),
      arch: ctx.config.vm.arch,
      kernelRelease: kernel.release,
      olderKernel: kernel.name,
      // `fixed-by:` expires when the fix is in that kernel, which only a ref kernel tells.
      ...(kernel.commit
        ? { isAncestor: gitIsAncestor(kernel.commit.repo, kernel.commit.sha) }
        : {}),
    });
    return { denylist: listsKey(lists.entries), lists: lists.entries };
  },
  build: async (ctx, lane, kernel, opts) => {
    const target = {
      srcDir: lane.worktree,
      buildDir: join(lane.buildDir, 'matrix', kernel.name),
      ccacheDir: lane.ccacheDir,
    };
    const result = await buildSelftests(ctx, target, {
      profile: 'selftests',
      logDir: opts.logDir,
      kernel: { buildDir: kernel.moduleBuildDir, vmlinux: kernel.vmlinux },
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    return { result, selftestsDir: selftestsDir(target) };
  },
};
