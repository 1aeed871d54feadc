import { mkdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { AppContext } from '../../context.js';
import { gitEnv } from '../../exec/git.js';
import { runChecked, runCommand } from '../../exec/run.js';
import { ownershipFix } from '../../exec/sandbox.js';
import type { BuildResult } from '../../verdict/stages.js';
import { requireTools } from './env.js';
import { ensureConfig, KconfigFailed, kconfigScratch } from './kconfig.js';
import { firstError } from './log-parse.js';
import { ccacheAvailable, makeJobs, runMake } from './make.js';
import { buildOutcome } from './outcome.js';
import { type BuildProgress, progressTracker } from './progress.js';
import type { BuildProfile, BuildTarget } from './target.js';

export interface BuildOptions {
  profile: BuildProfile;
  /** The run's artifact dir: kernel-config.log, kernel.log, ... */
  logDir: string;
  signal?: AbortSignal;
  onProgress?: (p: BuildProgress) => void;
  /**
   * The lane's base commit. Building it records the lane's warning baseline;
   * building anything else reports warnings the base did not have.
   */
  baseSha?: string;
}

/**
 * Configures and builds the kernel in target.buildDir (O=), in the sandbox,
 * with ccache when present. A broken build is a verdict (status 'fail' with the
 * first error); a missing toolchain or a cancelled job is a BotError.
 */
export async function buildKernel(
  ctx: AppContext,
  target: BuildTarget,
  opts: BuildOptions,
): Promise<BuildResult & { configDropped?: string[] }> {
  const cfg = ctx.config.build;
  requireTools([cfg.cc, 'make', 'flex', 'bison', 'bc', 'perl', 'pahole']);
  await prepareDirs(ctx, target, [kconfigScratch(target)]);
  opts.onProgress?.({ stage: 'config', compiled: 0 });
  // ccache's base_dir makes gcc print ../src/kernel/... from the build dir.
  const strip = [target.srcDir, target.buildDir, relative(target.buildDir, target.srcDir)];
  const configLog = join(opts.logDir, 'kernel-config.log');
  let dropped: string[] = [];
  try {
    const conf = await ensureConfig(ctx, target, opts.profile, {
      logFile: configLog,
      signal: opts.signal,
    });
    dropped = conf.dropped;
    if (dropped.length > 0)
      ctx.log.warn({ dropped, profile: opts.profile }, 'config fragment lines dropped');
  } catch (err) {
    if (!(err instanceof KconfigFailed)) throw err;
    const log = readFileSync(configLog, 'utf8');
    return {
      status: 'fail',
      target: 'kernel',
      durationMs: 0,
      warnings: 0,
      newWarnings: [],
      compiled: 0,
      logPath: configLog,
      reason: err.message,
      firstError: firstError(log, strip) ?? { message: err.message, context: log.slice(-800) },
    };
  }
  const useCcache = ccacheAvailable();
  const logPath = join(opts.logDir, 'kernel.log');
  const progress = progressTracker('compile', opts.onProgress);
  const run = await runMake(ctx, target, {
    args: [
      '-C',
      target.srcDir,
      `O=${target.buildDir}`,
      `-j${makeJobs(ctx)}`,
      `CC=${useCcache ? `ccache ${cfg.cc}` : cfg.cc}`,
      'all',
    ],
    cwd: target.srcDir,
    logFile: logPath,
    signal: opts.signal,
    onLine: progress.onLine,
    useCcache,
  });
  const headSha = await head(target.srcDir);
  const { warningList: _w, ...result } = buildOutcome({
    target: 'kernel',
    run,
    logPath,
    stripPrefixes: strip,
    ledgerDir: target.buildDir,
    headSha,
    baseSha: opts.baseSha,
  });
  return dropped.length > 0 ? { ...result, configDropped: dropped } : result;
}

/** Creates the build and ccache dirs and hands them to the sandbox uid. */
export async function prepareDirs(
  ctx: AppContext,
  target: BuildTarget,
  extra: string[] = [],
): Promise<void> {
  const dirs = [target.buildDir, target.ccacheDir, ...extra];
  for (const d of dirs) mkdirSync(d, { recursive: true });
  if (!ctx.config.build.sandbox.enabled) return;
  for (const d of dirs) {
    const op = ownershipFix(d, ctx.config.build.sandbox.uid);
    if (!op) return;
    const found = await runChecked(op.check, { timeoutMs: 600_000 });
    if (found.stdoutTail.trim() !== '') await runChecked(op.fix, { timeoutMs: 600_000 });
  }
}

/** The commit the tree is at, or undefined when it is not a git checkout. */
export async function head(srcDir: string): Promise<string | undefined> {
  const r = await runCommand(['git', '-C', srcDir, 'rev-parse', 'HEAD'], { env: gitEnv() });
  return r.exitCode === 0 ? r.stdoutTail.trim() : undefined;
}
