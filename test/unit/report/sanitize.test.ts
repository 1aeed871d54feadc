import { describe, expect, it } from 'vitest';
import { shellWord } from '../../../src/report/render-email.js';
import {
  cleanAddress,
  cleanMessageId,
  formatAddress,
  replySubject,
  sanitizeHeaderText,
} from '../../../src/report/sanitize.js';

describe('header sanitising', () => {
  it('turns CR/LF and other controls into spaces so nothing can start a new header', () => {
    const evil = '[PATCH] bpf: fix\r\nBcc: victim@example.org\r\n\r\nbody\u0000\u001b[31m';
    const clean = sanitizeHeaderText(evil);
    expect(clean).toBe('[PATCH] bpf: fix Bcc: victim@example.org body [31m');
    expect(clean).not.toMatch(/\p{Cc}/u);
  });

  it('decodes encoded words first, so an encoded CR/LF is caught too', () => {
    expect(sanitizeHeaderText('=?UTF-8?Q?fix=0D=0ABcc:_x@y?= =?UTF-8?B?w6lsw6k=?=')).toBe(
      'fix Bcc: x@yélé',
    ); // RFC 2047: space between encoded words is dropped
  });

  it('leaves a malformed encoded word as text', () => {
    expect(sanitizeHeaderText('=?UTF-8?X?broken?=')).toBe('=?UTF-8?X?broken?=');
  });

  it('caps the length at a word boundary', () => {
    const long = `[PATCH bpf-next 1/1] ${'word '.repeat(100)}`;
    const capped = sanitizeHeaderText(long, 60);
    expect(capped.length).toBeLessThanOrEqual(60);
    expect(capped).toMatch(/word\.\.\.$/);
  });

  it('prefixes Re: once', () => {
    expect(replySubject('[PATCH] x')).toBe('Re: [PATCH] x');
    expect(replySubject('RE: [PATCH] x')).toBe('RE: [PATCH] x');
    expect(replySubject('[PATCH] x\r\nTo: a@b').startsWith('Re: [PATCH] x To: a@b')).toBe(true);
  });

  it('accepts only plausible Message-IDs', () => {
    expect(cleanMessageId('<a.b@c.d>')).toBe('<a.b@c.d>');
    expect(cleanMessageId(' a.b@c.d ')).toBe('<a.b@c.d>');
    expect(cleanMessageId('<a>\r\nBcc: x@y>')).toBeNull();
    expect(cleanMessageId('<a b@c>')).toBeNull();
    expect(cleanMessageId('<no-at-sign>')).toBeNull();
    expect(cleanMessageId('')).toBeNull();
    // RFC 6532 UTF-8 ids come back exactly; controls and bidi overrides do not.
    expect(cleanMessageId('<pätch-ü@exämple.org>')).toBe('<pätch-ü@exämple.org>');
    expect(cleanMessageId('<a\u202eb@c>')).toBeNull();
    expect(cleanMessageId('<a\u0085b@c>')).toBeNull();
    expect(cleanMessageId(`<${'a'.repeat(300)}@b>`)).toBeNull();
  });

  it('accepts only bare addresses and quotes display names', () => {
    expect(cleanAddress('alice@example.org')).toBe('alice@example.org');
    expect(cleanAddress('alice@example.org, bob@example.org')).toBeNull();
    expect(cleanAddress('alice@example.org\r\nBcc: x@y')).toBeNull();
    expect(formatAddress('Alice "The" \\ Example\r\n', 'a@b.c')).toBe(
      '"Alice The  Example" <a@b.c>',
    );
    expect(formatAddress('', 'a@b.c')).toBe('a@b.c');
  });

  it('quotes untrusted words in the reproduction command', () => {
    expect(shellWord('2026-x.1@example.org')).toBe('2026-x.1@example.org');
    expect(shellWord("a'$(rm -rf ~)`@b")).toBe(`'a'\\''$(rm -rf ~)\`@b'`);
  });
});
