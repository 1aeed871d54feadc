import { git, gitOk } from '../../trees/git.js';
import { normaliseSubject, type SeriesPatchInput } from './series-input.js';

/** Output kept in memory for the lookback window (500 kernel commits are a few MB). */
const BIG = { tailBytes: 128 * 1024 * 1024 };

export interface UpstreamMatch {
  commit: string;
  by: 'patch-id' | 'subject';
}

/**
 * Finds which patches are already in the base's recent history: first by stable
 * patch-id (same change, whatever the message), then by subject (the maintainer
 * edited the patch while applying it, as KPD and NIPA match). Only non-merge,
 * non-root commits are read: a tarball tree's single root commit is the whole kernel.
 */
export async function findUpstream(
  worktree: string,
  base: string,
  patches: SeriesPatchInput[],
  lookback: number,
): Promise<Map<number, UpstreamMatch>> {
  const range = [`-n${lookback}`, '--min-parents=1', '--max-parents=1', base];
  const subjects = new Map<string, string>();
  for (const line of (await gitOk(worktree, ['log', '--format=%H%x00%s', ...range], BIG)).split(
    '\n',
  )) {
    const [sha, subject] = line.split('\0');
    if (sha && subject !== undefined && !subjects.has(normaliseSubject(subject))) {
      subjects.set(normaliseSubject(subject), sha);
    }
  }
  const found = new Map<number, UpstreamMatch>();
  if (subjects.size === 0) return found;
  const logArgs = ['log', '-p', '--no-color', '--no-ext-diff', '--format=commit %H', ...range];
  const log = (await git(worktree, logArgs, BIG)).stdoutTail;
  const upstreamIds = await patchIds(worktree, log);
  for (const p of patches) {
    const [id] = (await patchIds(worktree, mboxText(p.mbox))).keys();
    const byId = id ? upstreamIds.get(id) : undefined;
    if (byId) {
      found.set(p.index, { commit: byId, by: 'patch-id' });
      continue;
    }
    const bySubject = subjects.get(normaliseSubject(p.subject));
    if (bySubject) found.set(p.index, { commit: bySubject, by: 'subject' });
  }
  return found;
}

/** patch-id → commit (all zeros for a patch that is not a commit). */
async function patchIds(worktree: string, patchText: string): Promise<Map<string, string>> {
  const r = await git(worktree, ['patch-id', '--stable'], {
    input: patchText,
    tailBytes: 8 * 1024 * 1024,
  });
  const ids = new Map<string, string>();
  for (const line of r.out.split('\n')) {
    const [id, commit] = line.split(' ');
    if (id && commit && !ids.has(id)) ids.set(id, commit);
  }
  return ids;
}

function mboxText(mbox: string | Buffer): string {
  return typeof mbox === 'string' ? mbox : mbox.toString('utf8');
}
