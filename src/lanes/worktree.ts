import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Logger } from '../log.js';
import { git, gitOk } from '../trees/git.js';

/**
 * Makes sure `worktree` is a checkout of `mirror`. A lane made from a mirror that is
 * no longer the tree's (the upstream changed in config) or a half-deleted one is
 * thrown away and recreated: being certain of the lane beats reusing it.
 */
export async function ensureWorktree(
  mirror: string,
  worktree: string,
  sha: string,
  log: Logger,
): Promise<'kept' | 'created'> {
  if (existsSync(`${worktree}/.git`)) {
    const r = await git(worktree, ['rev-parse', '--path-format=absolute', '--git-common-dir']);
    if (r.ok && resolve(r.out) === resolve(mirror)) return 'kept';
    log.warn({ worktree, mirror, found: r.out }, 'lane worktree belongs elsewhere; recreating');
  }
  await rm(worktree, { recursive: true, force: true });
  await mkdir(dirname(worktree), { recursive: true });
  await gitOk(mirror, ['worktree', 'prune']);
  await gitOk(mirror, ['worktree', 'add', '--detach', '--force', '--quiet', worktree, sha], {
    timeoutMs: 1_800_000,
  });
  log.info({ worktree, sha }, 'lane worktree created');
  return 'created';
}
