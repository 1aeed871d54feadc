import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { BotError } from '../../errors.js';
import { gitEnv } from '../../exec/git.js';
import { runCommand } from '../../exec/run.js';

/**
 * The cached base kernel repo (scripts/prepare-kernel-tree.sh) and scratch
 * worktrees of it, for the real-tree tests and the benchmark. A worktree of the
 * cached repo costs seconds and shares its objects; the base checkout that
 * other users of the cache clone from is never touched.
 */
const SCRIPT = new URL('../../../scripts/prepare-kernel-tree.sh', import.meta.url).pathname;
export const BASE_TAG = 'base-6.1';

export function cacheRoot(): string {
  if (process.env.BPFCI_CACHE) return process.env.BPFCI_CACHE;
  return process.getuid?.() === 0 ? '/var/cache/bpfci' : join(homedir(), '.cache', 'bpfci');
}

/** Runs the (idempotent, locked) prepare script; returns the repo path. */
export async function prepareKernelTree(cache = cacheRoot()): Promise<string> {
  const r = await runCommand(['sh', SCRIPT], {
    env: { ...gitEnv(), BPFCI_CACHE: cache },
    timeoutMs: 1_800_000,
  });
  if (r.exitCode !== 0) {
    throw new BotError(
      'EXEC_FAILED',
      `prepare-kernel-tree.sh failed: ${r.stderrTail.trim().split('\n').at(-1)}`,
    );
  }
  return r.stdoutTail.trim().split('\n').at(-1) as string;
}

/** A detached worktree of the cached repo at `dir`, checked out at `ref` (created once). */
export async function scratchWorktree(repo: string, dir: string, ref = BASE_TAG): Promise<void> {
  const git = async (cwd: string, args: string[]) => {
    const r = await runCommand(['git', '-C', cwd, ...args], { env: gitEnv(), timeoutMs: 600_000 });
    if (r.exitCode !== 0)
      throw new BotError('GIT_FAILED', `git ${args.join(' ')}: ${r.stderrTail.trim()}`);
    return r.stdoutTail.trim();
  };
  if (!existsSync(join(dir, '.git'))) {
    await git(repo, ['worktree', 'prune']);
    await git(repo, ['worktree', 'add', '--detach', '--force', dir, ref]);
    return;
  }
  await git(dir, ['checkout', '-q', '--detach', '--force', ref]);
}
