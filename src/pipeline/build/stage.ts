import { join } from 'node:path';
import type { AppContext } from '../../context.js';
import type { BuildResult } from '../../verdict/stages.js';
import { type BuildOptions, buildKernel } from './kernel.js';
import { buildSelftests } from './selftests.js';
import { type BuildProfile, type BuildTarget, kernelImagePath, selftestsDir } from './target.js';

/** The lane fields the build stage needs (Lane and the runner's HeldLane both fit). */
export interface LaneDirs {
  worktree: string;
  buildDir: string;
  ccacheDir: string;
}

/**
 * A lane's build target for one profile: <lane build dir>/<profile>, so that
 * switching profiles never reconfigures (and fully rebuilds) the other's tree.
 */
export function laneTarget(lane: LaneDirs, profile: BuildProfile): BuildTarget {
  return {
    srcDir: lane.worktree,
    buildDir: join(lane.buildDir, profile),
    ccacheDir: lane.ccacheDir,
  };
}

export interface StageBuild {
  results: BuildResult[];
  kernelImage: string;
  selftestsDir: string;
}

/**
 * The build stage: the kernel, then (only if it built) the selftests against
 * it — always rebuilt after a kernel build, since pahole renumbers the BTF and
 * a stale bpf_testmod.ko would fail every test that loads it.
 */
export async function buildStage(
  ctx: AppContext,
  lane: LaneDirs,
  opts: Omit<BuildOptions, 'profile'> & { profile?: BuildProfile },
): Promise<StageBuild> {
  const profile = opts.profile ?? ctx.config.build.profile;
  const target = laneTarget(lane, profile);
  const kernel = await buildKernel(ctx, target, { ...opts, profile });
  const results: BuildResult[] = [kernel];
  if (kernel.status === 'pass')
    results.push(await buildSelftests(ctx, target, { ...opts, profile }));
  return { results, kernelImage: kernelImagePath(target), selftestsDir: selftestsDir(target) };
}
