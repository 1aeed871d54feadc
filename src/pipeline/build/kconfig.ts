import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppContext } from '../../context.js';
import { gitEnv } from '../../exec/git.js';
import { runCommand } from '../../exec/run.js';
import { makeJobs, runMake } from './make.js';
import type { BuildProfile, BuildTarget } from './target.js';

/**
 * Produces the build dir's .config for a profile, touching it only when the
 * result differs: an unchanged .config keeps its mtime and triggers nothing.
 *
 * - selftests: BPF CI's order — the tree's own tools/testing/selftests/bpf/
 *   config, config.vm, config.<arch> (when present), then config/kernel/
 *   selftests/*.config — concatenated, then `make olddefconfig`.
 * - minimal: `make tinyconfig`, then config/kernel/minimal/*.config appended
 *   (a later assignment wins, as in merge_config.sh), then `make olddefconfig`.
 *
 * The config is generated in a scratch O= dir (bpfci-kconfig/ inside the build
 * dir) so the real one is never half-written. A key over the inputs (the
 * fragments and every Kconfig file's blob id) lets the common case, a series
 * that touches no Kconfig, skip the ~5 s of kconfig entirely.
 */
export interface ConfigResult {
  changed: boolean;
  skipped: boolean;
  /** Fragment lines (CONFIG_X=y) that did not survive olddefconfig: a dependency is missing. */
  dropped: string[];
}

const REPO_ROOT = new URL('../../../', import.meta.url).pathname;
const ARCH = 'x86_64';

/** Scratch O= dir where a candidate .config is made (created and owned by the caller). */
export function kconfigScratch(target: BuildTarget): string {
  return join(target.buildDir, 'bpfci-kconfig');
}

export function fragmentDir(profile: BuildProfile): string {
  return join(REPO_ROOT, 'config', 'kernel', profile);
}

export function treeFragments(srcDir: string): string[] {
  const dir = join(srcDir, 'tools', 'testing', 'selftests', 'bpf');
  return ['config', 'config.vm', `config.${ARCH}`]
    .map((f) => join(dir, f))
    .filter((f) => existsSync(f));
}

export function ownFragments(profile: BuildProfile): string[] {
  const dir = fragmentDir(profile);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.config'))
    .sort()
    .map((f) => join(dir, f));
}

export async function ensureConfig(
  ctx: AppContext,
  target: BuildTarget,
  profile: BuildProfile,
  opts: { logFile: string; signal?: AbortSignal },
): Promise<ConfigResult> {
  const own = ownFragments(profile);
  const fragments = profile === 'selftests' ? [...treeFragments(target.srcDir), ...own] : own;
  const fragmentText = fragments.map((f) => readFileSync(f, 'utf8')).join('\n');
  const dotConfig = join(target.buildDir, '.config');
  const keyFile = join(target.buildDir, 'bpfci-config.key');
  const key = await inputKey(target.srcDir, profile, fragmentText);
  if (key && existsSync(dotConfig) && readIf(keyFile) === key) {
    return { changed: false, skipped: true, dropped: [] };
  }
  const scratch = kconfigScratch(target);
  const make = (args: string[]) =>
    runMake(ctx, target, {
      args: ['-C', target.srcDir, `O=${scratch}`, `-j${makeJobs(ctx)}`, ...args],
      cwd: target.srcDir,
      logFile: opts.logFile,
      signal: opts.signal,
    });
  const scratchConfig = join(scratch, '.config');
  if (profile === 'minimal') {
    await mustPass(make(['tinyconfig']), 'make tinyconfig');
    writeFileSync(scratchConfig, `${readFileSync(scratchConfig, 'utf8')}\n${fragmentText}\n`);
  } else {
    writeFileSync(scratchConfig, `${fragmentText}\n`);
  }
  await mustPass(make(['olddefconfig']), 'make olddefconfig');
  const result = readFileSync(scratchConfig, 'utf8');
  const dropped = droppedLines(fragmentText, result);
  const changed = readIf(dotConfig) !== result;
  if (changed) copyFileSync(scratchConfig, dotConfig);
  if (key) writeFileSync(keyFile, key);
  return { changed, skipped: false, dropped };
}

/** Fragment assignments missing from the final config (merge_config.sh does not fail on them). */
export function droppedLines(fragments: string, config: string): string[] {
  const have = new Set(config.split('\n'));
  const wanted = new Map<string, string>();
  for (const line of fragments.split('\n')) {
    const m = /^(CONFIG_\w+)=/.exec(line.trim());
    if (m?.[1]) wanted.set(m[1], line.trim());
  }
  return [...wanted.values()].filter((l) => !have.has(l) && !l.endsWith('=n'));
}

async function mustPass(p: ReturnType<typeof runMake>, what: string): Promise<void> {
  const r = await p;
  if (r.exitCode !== 0) {
    throw new KconfigFailed(
      `${what} failed (exit ${r.exitCode}${r.timedOut ? ', timed out' : ''})`,
    );
  }
}

/** Kconfig failing is a build verdict (a patch can break Kconfig), raised to the caller. */
export class KconfigFailed extends Error {}

/** The config inputs' identity, or undefined (no caching) when the tree is not a git checkout. */
const KCONFIG_INPUTS = [
  ':(glob)**/Kconfig*',
  'kernel/configs',
  'arch/x86/configs',
  'tools/testing/selftests/bpf/config*',
  'scripts/kconfig',
  'Makefile',
];

/** The config inputs' identity, or undefined (no caching) when the tree is not a clean git checkout. */
async function inputKey(
  srcDir: string,
  profile: string,
  fragments: string,
): Promise<string | undefined> {
  const git = (args: string[]) =>
    runCommand(['git', '-C', srcDir, ...args, '--', ...KCONFIG_INPUTS], {
      env: gitEnv(),
      tailBytes: 1 << 22,
    });
  const files = await git(['ls-files', '-s']);
  if (files.exitCode !== 0) return undefined;
  const dirty = await git(['status', '--porcelain', '--untracked-files=no']);
  if (dirty.exitCode !== 0 || dirty.stdoutTail.trim() !== '') return undefined;
  return createHash('sha256')
    .update(profile)
    .update(fragments)
    .update(files.stdoutTail)
    .digest('hex');
}

function readIf(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}
