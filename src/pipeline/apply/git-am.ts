import { git, gitOk } from '../../trees/git.js';

/** git settings for applying untrusted patches in a lane. */
const AM_CONFIG = [
  // No background gc of the shared mirror in the middle of a job (it competes with make).
  '-c',
  'gc.auto=0',
  // No remembered resolutions: a conflict is reported as it is.
  '-c',
  'rerere.enabled=false',
  // No hooks, whatever the mirror's hooks directory holds.
  '-c',
  'core.hooksPath=/dev/null',
];

export interface AmOutcome {
  ok: boolean;
  /** HEAD after the attempt (unchanged when the patch changed nothing or failed). */
  head: string;
  output: string;
  timedOut: boolean;
}

/**
 * Applies one patch file with `git am --3way`. The file is mboxrd (readPatchMbox
 * writes it so): without --patch-format=mboxrd git would take the quoting for
 * content and a commit message line `From ...` would gain a `>`. The committer date is the author
 * date, so the same series on the same base gives the same commit ids every time:
 * a re-run does not change the kernel's release string or defeat build caches.
 */
export async function amOne(
  worktree: string,
  patchFile: string,
  timeoutMs: number,
): Promise<AmOutcome> {
  const r = await git(
    worktree,
    [
      ...AM_CONFIG,
      'am',
      '--patch-format=mboxrd',
      '--3way',
      '--committer-date-is-author-date',
      '--no-gpg-sign',
      patchFile,
    ],
    { timeoutMs },
  );
  const head = await gitOk(worktree, ['rev-parse', 'HEAD']);
  return { ok: r.ok, head, output: `${r.stdoutTail}${r.stderrTail}`.trim(), timedOut: r.timedOut };
}

/** Leaves the failed `git am` session; HEAD goes back to the last applied patch. */
export async function amAbort(worktree: string): Promise<void> {
  await git(worktree, ['am', '--abort']);
}
