import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gitEnv } from '../exec/git.js';
import { runCommand } from '../exec/run.js';

/** bpfci's shipped blacklists/ directory, found relative to this module in src/ and dist/. */
export const BLACKLIST_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'blacklists',
);

const COMMIT = /^[0-9a-f]{7,40}$/;

/**
 * isAncestor for loadBlacklist: is `commit` in the history of `rev` in this repository?
 * `git merge-base --is-ancestor` exits 0 (yes), 1 (no) or 128 (unknown commit); anything
 * but 0 keeps the entry, so a typo in fixed-by never silently re-enables a test.
 */
export function gitIsAncestor(repo: string, rev = 'HEAD'): (commit: string) => Promise<boolean> {
  const cache = new Map<string, boolean>();
  return async (commit) => {
    if (!COMMIT.test(commit)) return false;
    const known = cache.get(commit);
    if (known !== undefined) return known;
    const result = await runCommand(
      ['git', '-C', repo, 'merge-base', '--is-ancestor', commit, rev],
      {
        env: gitEnv(),
        timeoutMs: 60_000,
      },
    );
    const answer = result.exitCode === 0;
    cache.set(commit, answer);
    return answer;
  };
}
