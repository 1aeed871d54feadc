import { type SimpleGit, simpleGit } from 'simple-git';

export type { SimpleGit } from 'simple-git';

/**
 * The only way bpfci talks to git through simple-git. C locale so that output
 * parses the same everywhere, no prompts (a credential prompt would hang the
 * daemon forever), no user or system config (a maintainer's ~/.gitconfig must
 * not change what the bot does), and a block timeout on every command.
 */
export function createGit(dir: string, timeoutMs = 600_000): SimpleGit {
  const env = gitEnv();
  // simple-git strips GIT_* variables unless told that we set them on purpose.
  const allowEnvironment = Object.keys(env).filter((k) => k.startsWith('GIT_'));
  return simpleGit({
    baseDir: dir,
    timeout: { block: timeoutMs },
    maxConcurrentProcesses: 4,
    allowEnvironment,
    unsafe: { allowUnsafeConfigPaths: true },
  }).env(env);
}

/** The environment every git process runs with, also for runCommand(['git', ...]). */
export function gitEnv(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/root',
    LANG: 'C',
    LC_ALL: 'C',
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 'bpfci',
    GIT_AUTHOR_EMAIL: 'bpfci@localhost',
    GIT_COMMITTER_NAME: 'bpfci',
    GIT_COMMITTER_EMAIL: 'bpfci@localhost',
    TZ: 'UTC',
  };
}
