import { describe, expect, it } from 'vitest';
import { parseSubject } from '../../../src/mail/subject.js';

describe('parseSubject (b4 LoreSubject rules)', () => {
  it.each([
    [
      '[PATCH bpf-next v3 2/5] selftests/bpf: add foo',
      { treeTag: 'bpf-next', version: 3, index: 2, total: 5 },
    ],
    [
      '[PATCH v3 bpf-next 2/5] selftests/bpf: add foo',
      { treeTag: 'bpf-next', version: 3, index: 2, total: 5 },
    ],
    [
      '[PATCH net-next,v2 1/2] selftests/bpf: add foo',
      { treeTag: 'net-next', version: 2, index: 1, total: 2 },
    ],
    [
      '[PATCH bpf-next,v3 2/5] selftests/bpf: add foo',
      { treeTag: 'bpf-next', version: 3, index: 2, total: 5 },
    ],
    [
      '[RFC PATCH v2 0/3] selftests/bpf: add foo',
      { rfc: true, version: 2, index: 0, total: 3, treeTag: null },
    ],
    [
      '[RFC][PATCH 1/2] selftests/bpf: add foo',
      { rfc: true, version: 1, index: 1, total: 2, treeTag: null },
    ],
    [
      '[PATCH RESEND bpf] selftests/bpf: add foo',
      { resend: true, treeTag: 'bpf', counterInferred: true },
    ],
    [
      '[PATCHv3] selftests/bpf: add foo',
      { version: 3, versionInferred: false, patch: true, treeTag: null },
    ],
    ['[PATCH-v4 3/4] selftests/bpf: add foo', { version: 4, index: 3, total: 4, treeTag: null }],
    [
      '[patch  BPF-Next   V2   1/1]   selftests/bpf: add foo',
      { treeTag: 'bpf-next', version: 2, index: 1, total: 1 },
    ],
    ['[[PATCH bpf]] selftests/bpf: add foo', { treeTag: 'bpf', patch: true }],
    ['[RFC bpf-next 1/2] selftests/bpf: add foo', { rfc: true, patch: false, treeTag: 'bpf-next' }],
  ])('%s', (raw, expected) => {
    const s = parseSubject(raw);
    expect({ ...s, treeTag: s.treeTag ?? null }).toMatchObject({
      subject: 'selftests/bpf: add foo',
      reply: false,
      ...expected,
    });
    expect(s.odd).toBeUndefined();
  });

  it('reads zero-padded counters (format-patch pads to the width of the total)', () => {
    expect(parseSubject('[PATCH bpf-next v2 00/12] x')).toMatchObject({ index: 0, total: 12 });
    expect(parseSubject('[PATCH bpf-next v2 07/12] x')).toMatchObject({ index: 7, total: 12 });
  });

  it('defaults to v1 1/1 and says it inferred them', () => {
    expect(parseSubject('bpf: fix a leak')).toMatchObject({
      subject: 'bpf: fix a leak',
      version: 1,
      versionInferred: true,
      index: 1,
      total: 1,
      counterInferred: true,
      patch: false,
      prefixes: [],
    });
  });

  it.each([
    'Re: [PATCH bpf 1/2] x',
    'RE: [PATCH bpf 1/2] x',
    'Fwd: [PATCH bpf 1/2] x',
    'Aw: [PATCH bpf 1/2] x',
    're:re: [PATCH bpf 1/2] x',
    'Re[2]: [PATCH bpf 1/2] x',
  ])('%s is a reply', (raw) => {
    expect(parseSubject(raw)).toMatchObject({ reply: true, subject: 'x', index: 1, total: 2 });
  });

  it('recognises a pull request', () => {
    expect(parseSubject('[GIT PULL] bpf-next 2024-05-07')).toMatchObject({
      pull: true,
      prefixes: [],
    });
    expect(parseSubject('[GIT PULL bpf] fixes')).toMatchObject({ pull: true, treeTag: 'bpf' });
  });

  it.each([
    ['[PATCH 7/3] x', 'subject counter 7/3 is past the end of the series'],
    ['[PATCH 0/0] x', 'subject counter 0/0 has no patches'],
    ['[PATCH 1/0] x', 'subject counter 1/0 has no patches'],
    ['[PATCH v0 1/2] x', 'subject version v0 is not valid'],
  ])('%s is odd (stored and shown, not tested)', (raw, reason) => {
    expect(parseSubject(raw).odd).toBe(reason);
  });

  it('never turns a huge version or counter into a float', () => {
    const s = parseSubject('[PATCH bpf-next v123456789012345678901234567890 1/2] x');
    expect(s).toMatchObject({ version: 1, versionInferred: true, index: 1, total: 2 });
    expect(s.odd).toBe(
      'subject version "v123456789012345678901234567890" is not a believable number',
    );
    const c = parseSubject('[PATCH 99999999999999999999/3] x');
    expect(c).toMatchObject({ index: 1, total: 1, counterInferred: true });
    expect(c.odd).toMatch(/^subject counter "99999999999999999999\/3" is not a believable number$/);
    expect(parseSubject('[PATCH v999999 1/2] x')).toMatchObject({ version: 999999 });
  });

  it.each([
    ['[PATCH [bpf-next] v2 1/2] selftests/bpf: add foo'],
    ['[PATCH bpf-next [v2] 1/2] selftests/bpf: add foo'],
    ['[[PATCH bpf-next v2 1/2]] selftests/bpf: add foo'],
  ])('nested brackets keep the tree tag whole: %s', (raw) => {
    expect(parseSubject(raw)).toMatchObject({
      subject: 'selftests/bpf: add foo',
      treeTag: 'bpf-next',
      version: 2,
      index: 1,
      total: 2,
    });
  });

  it('leaves an unclosed bracket in the subject', () => {
    expect(parseSubject('[PATCH bpf-next 1/2 oops')).toMatchObject({
      subject: '[PATCH bpf-next 1/2 oops',
      patch: false,
    });
  });

  it('cleans control and bidi characters from the subject', () => {
    expect(parseSubject('[PATCH] a\r\nBcc: x\u0000 \u001b[31mred\u202e').subject).toBe(
      'a Bcc: x red',
    );
  });
});
