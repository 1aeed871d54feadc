import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, relative, resolve, sep } from 'node:path';
import type { AppContext } from '../../context.js';
import { assertReachableByOthers } from '../../exec/reachable.js';
import { type RunResult, runCommand } from '../../exec/run.js';
import { type SandboxBind, sandboxArgv } from '../../exec/sandbox.js';
import { buildEnv, requireTools, which } from './env.js';
import type { BuildTarget } from './target.js';

export interface MakeOptions {
  /** Arguments after `make` (e.g. ['-C', src, 'O=...', 'all']). */
  args: string[];
  /** The program (default make); rsync for the selftests' writable copy. */
  program?: string;
  cwd: string;
  logFile: string;
  signal?: AbortSignal;
  onLine?: (line: string) => void;
  /** Extra binds on top of the target's (selftests need a few writable spots in the tree). */
  binds?: SandboxBind[];
  /** The source tree is read-only for the kernel (O= builds never write it). */
  srcWritable?: boolean;
  useCcache?: boolean;
}

/** make's -j: the configured value, else every core. */
export function makeJobs(ctx: AppContext): number {
  return ctx.config.build.jobs ?? availableParallelism();
}

/** Whether ccache is used: present on the host (the sandbox sees the same /usr). */
export function ccacheAvailable(): boolean {
  return which('ccache') !== undefined;
}

/**
 * Runs one make for a build target, in the sandbox unless the config turns it
 * off, with the build's scratch environment and the configured wall-clock
 * limit. The full output goes to `logFile`; a non-zero exit is returned, not
 * thrown.
 */
export async function runMake(
  ctx: AppContext,
  target: BuildTarget,
  opts: MakeOptions,
): Promise<RunResult> {
  const cfg = ctx.config.build;
  const program = opts.program ?? 'make';
  requireTools([program, ...(cfg.sandbox.enabled ? ['bwrap', 'prlimit', 'setpriv'] : [])]);
  mkdirSync(dirname(opts.logFile), { recursive: true });
  const env = buildEnv(
    opts.useCcache
      ? { ccacheDir: target.ccacheDir, ccacheBase: commonParent(target.srcDir, target.buildDir) }
      : {},
  );
  const argv = [program, ...opts.args];
  const binds: SandboxBind[] = [
    { path: target.srcDir, mode: opts.srcWritable ? 'rw' : 'ro' },
    { path: target.buildDir, mode: 'rw' },
    { path: target.ccacheDir, mode: 'rw' },
    ...(opts.binds ?? []),
  ];
  if (cfg.sandbox.enabled && process.getuid?.() === 0) {
    assertReachableByOthers(binds.map((b) => b.path));
  }
  const full = cfg.sandbox.enabled
    ? sandboxArgv(argv, {
        binds,
        cwd: opts.cwd,
        uid: cfg.sandbox.uid,
        maxProcesses: cfg.sandbox.maxProcesses,
      })
    : argv;
  return runCommand(full, {
    cwd: opts.cwd,
    env,
    logFile: opts.logFile,
    timeoutMs: cfg.timeoutSeconds * 1000,
    signal: opts.signal,
    onLine: opts.onLine,
  });
}

/** The deepest directory containing both paths (ccache's base_dir). */
export function commonParent(a: string, b: string): string {
  const pa = resolve(a).split(sep);
  const pb = resolve(b).split(sep);
  let i = 0;
  while (i < pa.length && i < pb.length && pa[i] === pb[i]) i++;
  const common = pa.slice(0, i).join(sep) || sep;
  return relative(common, a) === '' ? dirname(common) : common;
}
