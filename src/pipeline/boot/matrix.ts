import { join } from 'node:path';
import { BLACKLIST_DIR } from '../../blacklist/ancestry.js';

export { BLACKLIST_DIR };

import { loadBlacklist } from '../../blacklist/load.js';
import type { AppContext } from '../../context.js';
import type { BootResult } from '../../verdict/stages.js';
import type { SuiteConfig } from '../suites/guest-command.js';
import { type BootRequest, bootAndTest } from './boot-and-test.js';
import { kernelReleaseOf } from './kernel-release.js';

export interface MatrixKernel {
  name: string;
  image: string;
  release?: string;
}

export interface MatrixRequest {
  /** Selftests built from the patched tree: the same binaries run on every kernel. */
  selftestsDir: string;
  suites: SuiteConfig[];
  /** Default: config vm.extraKernels. */
  kernels?: MatrixKernel[];
  artifactsDir: string;
  blacklistDir?: string;
  isAncestor?: (commit: string) => boolean | Promise<boolean>;
  signal?: AbortSignal;
}

export interface MatrixEntry {
  kernel: MatrixKernel;
  release?: string;
  /** The deny list this kernel ran with (its own version's file included). */
  denylist: string[];
  result: BootResult;
}

export type BootFn = (ctx: AppContext, req: BootRequest) => Promise<BootResult>;

/**
 * The older-kernel matrix of the 2020 libbpf CI: the patched tree's selftests against
 * other kernels (prebuilt images), each with the deny list of its own version
 * (blacklists/DENYLIST-<major.minor>), one after the other, results per kernel. A kernel
 * that fails to boot is a result for that kernel, not the end of the matrix.
 */
export async function runMatrix(
  ctx: AppContext,
  req: MatrixRequest,
  boot: BootFn = bootAndTest,
): Promise<MatrixEntry[]> {
  const entries: MatrixEntry[] = [];
  for (const kernel of req.kernels ?? ctx.config.vm.extraKernels) {
    req.signal?.throwIfAborted();
    const release = kernel.release ?? kernelReleaseOf(kernel.image);
    const lists = await loadBlacklist({
      dir: req.blacklistDir ?? BLACKLIST_DIR,
      selftestsDir: req.selftestsDir,
      arch: ctx.config.vm.arch,
      ...(release ? { kernelRelease: release } : {}),
      ...(req.isAncestor ? { isAncestor: req.isAncestor } : {}),
    });
    const result = await boot(ctx, {
      kernelImage: kernel.image,
      ...(release ? { kernelRelease: release } : {}),
      selftestsDir: req.selftestsDir,
      suites: req.suites,
      lists: lists.entries,
      artifactsDir: join(req.artifactsDir, kernel.name.replace(/[^\w.-]/g, '_')),
      ...(req.signal ? { signal: req.signal } : {}),
    });
    entries.push({ kernel, ...(release ? { release } : {}), denylist: lists.deny, result });
  }
  return entries;
}
