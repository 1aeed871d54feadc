import { BotError } from '../errors.js';
import { gitEnv } from '../exec/git.js';
import { type RunOptions, type RunResult, runCommand } from '../exec/run.js';

export interface GitRun extends RunResult {
  ok: boolean;
  /** stdout, trimmed: what small queries (rev-parse, ls-files) return. */
  out: string;
}

/**
 * One git command in `cwd` through the process wrapper, with bpfci's git environment
 * (no user config, no prompts, C locale). A non-zero exit is returned, not thrown:
 * apply and fetch need to read git's complaint to describe it.
 */
export async function git(
  cwd: string,
  args: string[],
  options: Omit<RunOptions, 'cwd' | 'env'> = {},
): Promise<GitRun> {
  const result = await runCommand(['git', ...args], {
    timeoutMs: 600_000,
    ...options,
    cwd,
    env: gitEnv(),
  });
  return {
    ...result,
    ok: result.exitCode === 0 && !result.timedOut,
    out: result.stdoutTail.trim(),
  };
}

/** Like git(), but an unexpected failure is a GIT_FAILED infrastructure error. */
export async function gitOk(
  cwd: string,
  args: string[],
  options: Omit<RunOptions, 'cwd' | 'env'> = {},
): Promise<string> {
  const r = await git(cwd, args, options);
  if (!r.ok) {
    const why = r.timedOut ? 'timed out' : (r.stderrTail || r.stdoutTail).trim().split('\n').pop();
    throw new BotError('GIT_FAILED', `git ${args.slice(0, 3).join(' ')} in ${cwd}: ${why}`);
  }
  return r.out;
}

/** The commit a revision names, or undefined when the repository does not have it. */
export async function resolveCommit(cwd: string, rev: string): Promise<string | undefined> {
  const r = await git(cwd, [
    'rev-parse',
    '--verify',
    '--quiet',
    '--end-of-options',
    `${rev}^{commit}`,
  ]);
  return r.ok && /^[0-9a-f]{40,64}$/.test(r.out) ? r.out : undefined;
}
