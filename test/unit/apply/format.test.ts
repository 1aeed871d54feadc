import { describe, expect, it } from 'vitest';
import { applyExitCode } from '../../../src/cli/apply.js';
import { formatApplyResult } from '../../../src/pipeline/apply/format.js';
import type { ApplyResult } from '../../../src/verdict/stages.js';

const conflict: ApplyResult = {
  status: 'conflict',
  tree: 'bpf-next',
  baseSha: 'ae454c4a7cf9e351fa482d49d76832cf18dc882e',
  baseReason: 'base-commit ae454c4a7cf9 found in the bpf-next mirror',
  reason: 'patch 2/2 "bpf: x" does not apply (conflict): kernel/bpf/verifier.c',
  patches: [
    { index: 1, subject: 'bpf: ok', status: 'applied', commit: 'c'.repeat(40) },
    {
      index: 2,
      subject: 'bpf: x\u001b[31m',
      status: 'failed',
      failKind: 'conflict',
      conflictFiles: ['kernel/bpf/verifier.c'],
      error: 'error: patch failed: kernel/bpf/verifier.c:51',
      conflictDiff: 'diff --cc kernel/bpf/verifier.c\n<<<<<<< ours\n=======\n>>>>>>> theirs\n',
    },
  ],
};

describe('formatApplyResult', () => {
  it('names the base, the failed patch, its files, the error and the conflict', () => {
    const text = formatApplyResult(conflict);
    expect(text).toContain('apply: conflict on bpf-next at ae454c4a7cf9\n');
    expect(text).toContain('  base: base-commit ae454c4a7cf9 found in the bpf-next mirror\n');
    expect(text).toContain(`  [1/2] applied  bpf: ok ${'c'.repeat(12)}\n`);
    expect(text).toContain('  [2/2] FAILED   bpf: x?[31m\n');
    expect(text).toContain('      files: kernel/bpf/verifier.c\n');
    expect(text).toContain('      error: patch failed: kernel/bpf/verifier.c:51\n');
    expect(text).toContain('      | <<<<<<< ours\n');
    expect(text).not.toContain('\u001b');
  });

  it('cuts a long conflict diff and says where the rest is', () => {
    const long = {
      ...conflict,
      patches: [{ ...conflict.patches[1], conflictDiff: 'x\n'.repeat(100) }],
    } as ApplyResult;
    expect(formatApplyResult(long, { diffLines: 5 })).toContain(
      '... 96 more lines (--json has all)',
    );
  });

  it('maps statuses to exit codes: applied or upstream 0, otherwise 1', () => {
    expect(applyExitCode({ ...conflict, status: 'pass' })).toBe(0);
    expect(applyExitCode({ ...conflict, status: 'already-applied' })).toBe(0);
    expect(applyExitCode(conflict)).toBe(1);
    expect(applyExitCode({ ...conflict, status: 'skip' })).toBe(1);
  });
});
