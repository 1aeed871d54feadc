import { copyFileSync, existsSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { AppContext } from '../../context.js';
import { BotError } from '../../errors.js';
import type { SandboxBind } from '../../exec/sandbox.js';
import type { BuildResult } from '../../verdict/stages.js';
import type { SuiteSpec } from '../stages.js';
import { requireTools } from './env.js';
import { head, prepareDirs } from './kernel.js';
import { ccacheAvailable, makeJobs, runMake } from './make.js';
import { buildOutcome } from './outcome.js';
import { type BuildProgress, progressTracker } from './progress.js';
import { type BuildProfile, type BuildTarget, selftestsDir, vmlinuxPath } from './target.js';
import { dropStaleTestmod, type SandboxStep, stableHeader } from './vmlinux-header.js';

export interface SelftestsOptions {
  profile: BuildProfile;
  logDir: string;
  signal?: AbortSignal;
  onProgress?: (p: BuildProgress) => void;
  baseSha?: string;
  /** Runner names to build; default: what the configured suites run (selftestTargets). */
  targets?: string[];
  /**
   * The kernel to build for, when it is not the one in target.buildDir (an older kernel
   * of the matrix): its build dir (KDIR, for bpf_testmod) and its vmlinux (the BTF).
   * Both are bound read-only into the sandbox.
   */
  kernel?: { buildDir: string; vmlinux: string };
}

export const SELFTESTS = join('tools', 'testing', 'selftests', 'bpf');

/**
 * The selftests runners a profile builds for the configured suites. test_verifier
 * needs no vmlinux.h, so it builds against any kernel; the rest compile ~1000 BPF
 * objects against the kernel's BTF, which only the selftests config has the types
 * for. A flavour (test_progs-no_alu32) is built only when a suite runs it.
 */
export function selftestTargets(profile: BuildProfile, suites: SuiteSpec[]): string[] {
  if (profile === 'minimal') return ['test_verifier'];
  const out = new Set<string>();
  for (const s of suites) {
    if (s.kind === 'test_progs') out.add(s.binary ?? 'test_progs');
    if (s.kind === 'test_verifier' || s.kind === 'test_maps') out.add(s.kind);
    // veristat verifies the BPF objects that test_progs' target builds.
    if (s.kind === 'veristat') out.add('test_progs').add('veristat');
  }
  return out.size ? [...out] : ['test_verifier'];
}

/**
 * Builds the BPF selftests for the kernel in target.buildDir, output in
 * selftestsDir(target). Run it after EVERY kernel build: pahole gives vmlinux
 * new BTF ids each time and a stale bpf_testmod.ko fails every test using it.
 * Only bpf_testmod.ko has to follow every relink, though: the ~1000 BPF objects
 * depend on vmlinux.h, which is replaced only when its types change (stableHeader).
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
  const { cc, clang } = ctx.config.build;
  requireTools([clang, 'llc', 'make', 'rsync', cc]);
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
  linkUrandomLib(mirror, out);
  const kernel = opts.kernel ?? { buildDir: target.buildDir, vmlinux: vmlinuxPath(target) };
  const kernelBinds: SandboxBind[] = opts.kernel
    ? [kernel.buildDir, kernel.vmlinux].map((path) => ({ path, mode: 'ro' as const }))
    : [];
  const useCcache = ccacheAvailable();
  /** One command in the sandbox, in the selftests dir with the mirror bound over it. */
  const inMirror: SandboxStep = (logName, argv, onLine) =>
    runMake(ctx, target, {
      program: argv[0],
      args: argv.slice(1),
      cwd: treeDir,
      logFile: join(opts.logDir, logName),
      signal: opts.signal,
      binds: [{ path: treeDir, source: mirror, mode: 'rw' }, ...kernelBinds],
      useCcache,
      ...(onLine ? { onLine } : {}),
    });
  const make = [
    'make',
    '-C',
    treeDir,
    `OUTPUT=${out}`,
    `KDIR=${kernel.buildDir}`,
    `CLANG=${clang}`,
    `CC=${useCcache ? `ccache ${cc}` : cc}`,
    `-j${makeJobs(ctx)}`,
  ];
  const targets = opts.targets ?? selftestTargets(opts.profile, ctx.config.suites);
  let btf = [`VMLINUX_BTF=${kernel.vmlinux}`];
  if (targets.some((t) => t !== 'test_verifier')) {
    const header = await stableHeader(ctx, target, kernel.vmlinux, [...make, ...btf], inMirror);
    if (header) btf = [`VMLINUX_BTF=${header}`, `VMLINUX_H=${header}`];
    dropStaleTestmod(target, kernel.vmlinux);
    if (opts.kernel) btf.push(...(await ownResolveBtfids(make, btf, out, inMirror)));
  }
  const logPath = join(opts.logDir, 'selftests.log');
  const run = await inMirror(
    'selftests.log',
    [...make, ...btf, ...targets.map((t) => join(out, t))],
    progress.onLine,
  );
  const { warningList: _w, ...result } = buildOutcome({
    target: 'selftests',
    run,
    logPath,
    stripPrefixes: [treeDir, out, target.srcDir, target.buildDir],
    ledgerDir: out,
    headSha: await head(target.srcDir),
    baseSha: opts.baseSha,
  });
  if (targets.includes('veristat')) copyVeristatList(mirror, out);
  return result;
}

/**
 * kbuild gives a module its BTF ids with $(objtree)/tools/bpf/resolve_btfids, which a
 * packaged headers dir (Debian's linux-headers-*) does not ship: bpf_testmod.ko then
 * fails with "resolve_btfids: not found". The selftests build their own (the same
 * tool, from the tree under test) at their default path; built first, it is given to
 * make as RESOLVE_BTFIDS, which reaches the module's kbuild through MAKEFLAGS.
 */
async function ownResolveBtfids(
  make: string[],
  btf: string[],
  out: string,
  run: SandboxStep,
): Promise<string[]> {
  const tool = join(out, 'tools', 'build', 'resolve_btfids', 'resolve_btfids');
  const built = await run('selftests-resolve-btfids.log', [...make, ...btf, tool]);
  return built.exitCode === 0 && existsSync(tool) ? [`RESOLVE_BTFIDS=${tool}`] : [];
}

/** The tree's veristat.cfg goes with the objects: the veristat suite's default object list. */
function copyVeristatList(mirror: string, out: string): void {
  const cfg = join(mirror, 'veristat.cfg');
  if (existsSync(cfg)) copyFileSync(cfg, join(out, 'veristat.cfg'));
}

/**
 * 6.1's Makefile links urandom_read against `liburandom_read.so` relative to its
 * own directory, not $(OUTPUT) (upstream later switched to -L$(OUTPUT)), so with
 * OUTPUT= the link fails with "no such file or directory: 'liburandom_read.so'".
 * A link in the mirror to the OUTPUT copy makes that path resolve; newer trees never
 * look at it. rsync --delete removes it on every sync, so it is made after each.
 */
export function linkUrandomLib(mirror: string, out: string): void {
  const link = join(mirror, 'liburandom_read.so');
  rmSync(link, { force: true });
  symlinkSync(join(out, 'liburandom_read.so'), link);
}
