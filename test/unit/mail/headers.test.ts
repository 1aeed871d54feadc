import { describe, expect, it } from 'vitest';
import { classify } from '../../../src/mail/classify.js';
import { normalizeMessageId, parseReferences } from '../../../src/mail/message-id.js';
import { cleanHeader } from '../../../src/mail/sanitize.js';
import { parseSubject } from '../../../src/mail/subject.js';

describe('cleanHeader', () => {
  it('strips CR, LF, NUL, ANSI escapes and bidi controls, keeps real text', () => {
    expect(
      cleanHeader('a\r\nb\u0000c \u001b[1;31mred\u001b[0m \u202eevil\u202c \u2067x\u2069 Jörg'),
    ).toBe('a b c red evil x Jörg');
    expect(cleanHeader('\u001b]0;title\u0007t')).toBe('t');
    expect(cleanHeader(undefined)).toBe('');
    expect(cleanHeader('x'.repeat(2000))).toHaveLength(998);
  });
});

describe('Message-IDs', () => {
  it('strips brackets and folding whitespace, keeps case', () => {
    expect(normalizeMessageId(' <Cover.1714641300.git.Alice@Example.com>\r\n')).toBe(
      'Cover.1714641300.git.Alice@Example.com',
    );
    expect(normalizeMessageId('<abc@x> (comment)')).toBe('abc@x');
    expect(normalizeMessageId('bare@x')).toBe('bare@x');
    expect(normalizeMessageId('<>')).toBeUndefined();
    expect(normalizeMessageId(undefined)).toBeUndefined();
  });

  it('reads References in order without repeats', () => {
    expect(parseReferences('<a@x>\r\n <b@x> <a@x>')).toEqual(['a@x', 'b@x']);
    expect(parseReferences('c@x')).toEqual(['c@x']);
    expect(parseReferences('')).toEqual([]);
  });
});

describe('classify', () => {
  const diff =
    'msg\n---\n a | 1 +\n 1 file changed, 1 insertion(+)\n\ndiff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1 +1 @@\n-x\n+y\n';
  it.each([
    ['[PATCH bpf 1/2] x', diff, undefined, 'patch'],
    ['[PATCH bpf 0/2] x', 'cover text', undefined, 'cover'],
    [
      '[PATCH bpf] x',
      'text\n 2 files changed, 3 insertions(+), 1 deletion(-)\n',
      undefined,
      'cover',
    ],
    ['Re: [PATCH bpf 1/2] x', diff, 'p@x', 'reply'],
    ['[GIT PULL] bpf', 'text', undefined, 'pull'],
    ['bpf fixes', 'The following changes since commit 0123456789abcdef:\n', undefined, 'pull'],
    ['thanks', 'no diff', 'p@x', 'reply'],
    ['hello', 'no diff', undefined, 'other'],
  ])('%s → %s', (subject, body, inReplyTo, kind) => {
    expect(classify(parseSubject(subject), body, inReplyTo)).toBe(kind);
  });
});
