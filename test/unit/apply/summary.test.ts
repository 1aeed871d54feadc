import { describe, expect, it } from 'vitest';
import { commitAfter } from '../../../src/pipeline/apply/checkout.js';
import { normaliseSubject } from '../../../src/pipeline/apply/series-input.js';
import { summarise } from '../../../src/pipeline/apply/summary.js';
import type { ApplyResult, PatchApply } from '../../../src/verdict/stages.js';

const p = (
  index: number,
  status: PatchApply['status'],
  extra: Partial<PatchApply> = {},
): PatchApply => ({
  index,
  subject: `patch ${index}`,
  status,
  ...extra,
});

describe('summarise', () => {
  it('passes when every patch applied', () => {
    expect(summarise([p(1, 'applied'), p(2, 'applied')])).toEqual({
      status: 'pass',
      reason: '2 of 2 patches applied',
    });
  });

  it('names the failed patch, why, and its files', () => {
    const r = summarise([
      p(1, 'applied'),
      p(2, 'failed', { failKind: 'conflict', conflictFiles: ['kernel/bpf/verifier.c'] }),
      p(3, 'not-attempted'),
    ]);
    expect(r).toEqual({
      status: 'conflict',
      reason: 'patch 2/3 "patch 2" does not apply (conflict): kernel/bpf/verifier.c',
    });
  });

  it('is already-applied only when every patch is upstream', () => {
    const up = { commit: 'c'.repeat(40), by: 'subject' as const };
    expect(summarise([p(1, 'already-applied'), p(2, 'failed', { upstream: up })]).status).toBe(
      'already-applied',
    );
    expect(summarise([p(1, 'failed', { upstream: up }), p(2, 'not-attempted')]).status).toBe(
      'conflict',
    );
    expect(summarise([p(1, 'already-applied'), p(2, 'applied')])).toEqual({
      status: 'pass',
      reason: '1 of 2 patches applied, 1 already in the base',
    });
  });

  it('describes a corrupt patch and a missing file', () => {
    expect(summarise([p(1, 'failed', { failKind: 'corrupt' })]).reason).toBe(
      'patch 1/1 "patch 1" is not a patch git can read',
    );
    expect(
      summarise([p(1, 'failed', { failKind: 'missing-file', conflictFiles: ['a.c'] })]).reason,
    ).toBe('patch 1/1 "patch 1" changes a file the base does not have: a.c');
  });
});

describe('normaliseSubject', () => {
  it('drops bracket prefixes, Re:, case and extra spaces', () => {
    expect(normaliseSubject('[PATCH bpf-next v3 2/5] bpf: Fix  Foo')).toBe('bpf: fix foo');
    expect(normaliseSubject('Re: [RFC][PATCH] bpf: fix foo')).toBe('bpf: fix foo');
  });
});

describe('commitAfter', () => {
  const result: ApplyResult = {
    status: 'pass',
    tree: 'bpf',
    baseSha: 'b'.repeat(40),
    baseReason: 'test',
    patches: [
      p(1, 'applied', { commit: '1'.repeat(40) }),
      p(2, 'already-applied'),
      p(3, 'applied', { commit: '3'.repeat(40) }),
    ],
  };

  it('maps k to the commit after the first k patches, no-op patches included', () => {
    expect(commitAfter(result, 0)).toBe('b'.repeat(40));
    expect(commitAfter(result, 1)).toBe('1'.repeat(40));
    expect(commitAfter(result, 2)).toBe('1'.repeat(40));
    expect(commitAfter(result, 3)).toBe('3'.repeat(40));
  });

  it('refuses a k past the series or past a failed patch', () => {
    expect(() => commitAfter(result, 4)).toThrow('no state after 4');
    const failed = { ...result, patches: [p(1, 'failed'), p(2, 'not-attempted')] };
    expect(() => commitAfter(failed, 1)).toThrow('patch 1 was not applied');
  });
});
