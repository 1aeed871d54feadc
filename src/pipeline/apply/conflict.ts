import { git } from '../../trees/git.js';
import type { PatchApply } from '../../verdict/stages.js';

/** Enough of a conflict diff to see it in a report; the rest is in the lane's log. */
const MAX_DIFF = 64 * 1024;

/** git am's progress and advice to a human at a terminal: not part of why it failed. */
const NOISE =
  /^(hint:|Applying:|When you have resolved|If you prefer to skip|To restore the original|Using index info|Falling back to patching|Auto-merging|[AMD]\t)/;

export type FailKind = NonNullable<PatchApply['failKind']>;

export interface Conflict {
  kind: FailKind;
  files: string[];
  diff?: string;
  error: string;
}

/**
 * Describes why `git am` stopped, read while the failed session is still open:
 * with a 3-way merge the index holds the unmerged files and `git diff` shows the
 * conflict markers; without one (the blobs are unknown, the file is missing, the
 * patch is malformed) git only says so on stderr, and that is parsed.
 */
export async function describeFailure(
  worktree: string,
  amOutput: string,
  patchFile?: string,
): Promise<Conflict> {
  const error = amOutput
    .split('\n')
    .filter((l) => !NOISE.test(l))
    .join('\n')
    .slice(0, 8192);
  const unmerged = await git(worktree, ['diff', '--name-only', '--diff-filter=U']);
  const unmergedFiles = unmerged.out.split('\n').filter(Boolean);
  if (unmergedFiles.length > 0) {
    const diff = await git(worktree, ['diff', '--no-color', '--no-ext-diff'], {
      tailBytes: 4 * MAX_DIFF,
    });
    // Only a tail of a huge diff is kept; say so rather than pretend it is whole.
    const whole = diff.stdoutTail.length < 4 * MAX_DIFF;
    return {
      kind: 'conflict',
      files: unmergedFiles,
      diff: truncate(diff.stdoutTail, whole),
      error,
    };
  }
  // With --3way, git names a file whose preimage it lacks; when HEAD does not have
  // the file at all, the patch changes a file that is not in the base.
  const lacking = matches(amOutput, /sha1 information is lacking or useless \((.+?)\)/g);
  const present = await inHead(worktree, lacking);
  const missing = [
    ...matches(amOutput, /^error: (.+?): does not exist in index$/gm),
    ...lacking.filter((f) => !present.has(f)),
  ];
  if (missing.length > 0) return { kind: 'missing-file', files: [...new Set(missing)], error };
  const failed = [
    ...matches(amOutput, /^error: patch failed: (.+?):\d+$/gm),
    ...matches(amOutput, /^error: (.+?): already exists in (?:index|working directory)$/gm),
    ...matches(amOutput, /^error: cannot apply binary patch to '(.+?)'/gm),
    ...lacking,
  ];
  if (failed.length > 0) {
    const diff = patchFile ? await expectedContext(worktree, patchFile) : undefined;
    return { kind: 'conflict', files: [...new Set(failed)], error, ...(diff ? { diff } : {}) };
  }
  if (
    /corrupt patch|Patch is empty|does not look like a patch|Patch format detection failed|unrecognized input/i.test(
      amOutput,
    )
  ) {
    return { kind: 'corrupt', files: [], error };
  }
  return { kind: 'other', files: [], error };
}

/**
 * Without a 3-way merge there are no conflict markers to show; what helps instead is
 * the context the patch expected and did not find, which `git apply -v` prints.
 */
async function expectedContext(worktree: string, patchFile: string): Promise<string | undefined> {
  const r = await git(worktree, ['apply', '--check', '-v', patchFile], { tailBytes: 4 * MAX_DIFF });
  const text = r.stderrTail
    .split('\n')
    .filter((l) => !l.startsWith('Checking patch'))
    .join('\n')
    .trim();
  return text.includes('while searching for') ? truncate(`${text}\n`, true) : undefined;
}

/** Which of `paths` HEAD has (literal paths: a file name is not a pathspec pattern). */
async function inHead(worktree: string, paths: string[]): Promise<Set<string>> {
  if (paths.length === 0) return new Set();
  const r = await git(worktree, [
    '--literal-pathspecs',
    'ls-tree',
    '-r',
    '--name-only',
    'HEAD',
    '--',
    ...paths,
  ]);
  return new Set(r.out.split('\n').filter(Boolean));
}

function matches(text: string, re: RegExp): string[] {
  return [...text.matchAll(re)].map((m) => m[1] ?? '').filter(Boolean);
}

function truncate(text: string, whole: boolean): string {
  if (whole && text.length <= MAX_DIFF) return text;
  return `${text.slice(0, MAX_DIFF)}\n[... conflict diff truncated]\n`;
}
