import { join } from 'node:path';
import type { AppContext } from '../../context.js';
import { BotError } from '../../errors.js';
import type { BuildResult } from '../types.js';
import { requireTools } from './env.js';
import { head, prepareDirs } from './kernel.js';
import { makeJobs, runMake } from './make.js';
import { buildOutcome } from './outcome.js';
import { type BuildProgress, progressTracker } from './progress.js';
import { type BuildProfile, type BuildTarget, selftestsDir, vmlinuxPath } from './target.js';

export interface SelftestsOptions {
  profile: BuildProfile;
  logDir: string;
  signal?: AbortSignal;
  onProgress?: (p: BuildProgress) => void;
  baseSha?: string;
  /** Runner names to build; default per profile (see defaultSelftestTargets). */
  targets?: string[];
}

const SELFTESTS = join('tools', 'testing', 'selftests', 'bpf');

/**
 * What a profile's kernel can build: test_verifier needs no vmlinux.h, so it
 * builds against any kernel; the rest compile ~1000 BPF objects against the
 * kernel's BTF, which only the selftests config has the types for.
 */
export function defaultSelftestTargets(profile: BuildProfile): string[] {
  return profile === 'minimal'
    ? ['test_verifier']
    : ['test_verifier', 'test_progs', 'test_progs-no_alu32', 'test_maps'];
}

/**
 * Builds the BPF selftests for the kernel in target.buildDir, output in
 * selftestsDir(target). Run it after EVERY kernel build: pahole gives vmlinux
 * new BTF ids each time and a stale bpf_testmod.ko fails every test using it.
 *
 * The selftests Makefile writes into its own directory (verifier/tests.h,
 * bpf_testmod/*.o) even with OUTPUT=, and the lane's tree is read-only in the
 * sandbox. So the directory is mirrored (rsync, mtimes kept, the tree's
 * .gitignore protecting generated files) into the build area and bound over
 * its original path inside the sandbox: the Makefile's ../../.. paths still
 * resolve, and the lane's checkout stays pristine.
 */
export async function buildSelftests(
  ctx: AppContext,
  target: BuildTarget,
  opts: SelftestsOptions,
): Promise<BuildResult> {
  const clang = ctx.config.build.clang;
  requireTools([clang, 'llc', 'make', 'rsync', ctx.config.build.cc]);
  const out = selftestsDir(target);
  const mirror = join(target.buildDir, 'bpfci-selftests-src');
  await prepareDirs(ctx, target, [out, mirror]);
  const treeDir = join(target.srcDir, SELFTESTS);
  const progress = progressTracker('sync', opts.onProgress);
  opts.onProgress?.(progress.current());
  const sync = await runMake(ctx, target, {
    program: 'rsync',
    args: ['-a', '--delete', '--filter=:- .gitignore', `${treeDir}/`, `${mirror}/`],
    cwd: target.buildDir,
    logFile: join(opts.logDir, 'selftests-sync.log'),
    signal: opts.signal,
  });
  if (sync.exitCode !== 0) {
    throw new BotError('EXEC_FAILED', `mirroring ${treeDir} failed (rsync exit ${sync.exitCode})`);
  }
  const targets = (opts.targets ?? defaultSelftestTargets(opts.profile)).map((t) => join(out, t));
  const logPath = join(opts.logDir, 'selftests.log');
  const run = await runMake(ctx, target, {
    args: [
      '-C',
      treeDir,
      `OUTPUT=${out}`,
      `VMLINUX_BTF=${vmlinuxPath(target)}`,
      `KDIR=${target.buildDir}`,
      `CLANG=${clang}`,
      `-j${makeJobs(ctx)}`,
      ...targets,
    ],
    cwd: treeDir,
    logFile: logPath,
    signal: opts.signal,
    onLine: progress.onLine,
    binds: [{ path: treeDir, source: mirror, mode: 'rw' }],
  });
  const { warningList: _w, ...result } = buildOutcome({
    target: 'selftests',
    run,
    logPath,
    stripPrefixes: [treeDir, out, target.srcDir, target.buildDir],
    ledgerDir: out,
    headSha: await head(target.srcDir),
    baseSha: opts.baseSha,
  });
  return result;
}
