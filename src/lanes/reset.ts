import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { git, gitOk } from '../trees/git.js';

/**
 * Puts a lane's worktree at `sha`, exactly, while rewriting only the files that
 * differ: unchanged sources keep their mtimes, so make rebuilds only what changed.
 *
 * - an interrupted `git am` (a crash mid-apply) is aborted and a stale index.lock
 *   of a killed git removed (we hold the lane, nobody else runs git here);
 * - the index is refreshed first: `reset --hard` rewrites every file whose stat
 *   data looks changed, even when its content is the same, and a refresh records
 *   "same content" for those so they are left alone;
 * - HEAD is kept detached, so a reset never moves a branch of the shared mirror;
 * - `clean -ffd` removes untracked files and directories but keeps ignored ones:
 *   in-tree build output (selftests) survives; the kernel build dir is outside.
 */
export async function resetWorktree(worktree: string, sha: string): Promise<void> {
  const gitDir = await gitOk(worktree, ['rev-parse', '--path-format=absolute', '--git-dir']);
  await rm(join(gitDir, 'index.lock'), { force: true });
  if (existsSync(join(gitDir, 'rebase-apply'))) {
    const r = await git(worktree, ['am', '--abort']);
    if (!r.ok) await rm(join(gitDir, 'rebase-apply'), { recursive: true, force: true });
  }
  await git(worktree, ['update-index', '-q', '--refresh']);
  const onBranch = await git(worktree, ['symbolic-ref', '-q', 'HEAD']);
  if (onBranch.ok) {
    await gitOk(worktree, ['reset', '-q', '--hard']);
    await gitOk(worktree, ['checkout', '-q', '--detach']);
  }
  await gitOk(worktree, ['reset', '-q', '--hard', sha]);
  await gitOk(worktree, ['clean', '-ffdq']);
}
