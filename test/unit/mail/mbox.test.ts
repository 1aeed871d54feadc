import { describe, expect, it } from 'vitest';
import { detectFormat, isMbox, quoteMboxrd, splitMbox } from '../../../src/mail/mbox.js';

const msg = (id: string, body: string) => `Message-ID: <${id}>\nSubject: s\n\n${body}`;

describe('splitMbox', () => {
  it('undoes mboxrd quoting by exactly one level', () => {
    const data = Buffer.from(
      `From mboxrd@z Thu Jan  1 00:00:00 1970\n${msg('a@x', '>From here\n>>From there\n')}\nFrom mboxrd@z Thu Jan  1 00:00:00 1970\n${msg('b@x', 'b\n')}`,
    );
    expect(detectFormat(data)).toBe('mboxrd');
    const parts = splitMbox(data).map(String);
    expect(parts).toEqual([msg('a@x', 'From here\n>From there\n'), msg('b@x', 'b\n')]);
  });

  it('undoes mboxo quoting of ">From " only', () => {
    const data = Buffer.from(
      `From 1234abcd Mon Sep 17 00:00:00 2001\n${msg('a@x', '>From here\n>>From there\n')}`,
    );
    expect(detectFormat(data)).toBe('mboxo');
    expect(splitMbox(data).map(String)).toEqual([msg('a@x', 'From here\n>>From there\n')]);
  });

  it('does not split on a body line that merely starts with "From "', () => {
    const data = Buffer.from(
      `From a@b Tue May  7 10:00:00 2024\n${msg('a@x', 'text\n\nFrom the start, it was wrong.\n')}`,
    );
    expect(splitMbox(data)).toHaveLength(1);
  });

  it('keeps CRLF line endings and 8-bit bytes as they are', () => {
    const body = Buffer.from('Message-ID: <c@x>\r\nSubject: \xfc\r\n\r\nb\r\n', 'latin1');
    const data = Buffer.concat([
      Buffer.from('From a@b Tue May  7 10:00:00 2024\r\n'),
      body,
      Buffer.from('\r\nFrom a@b Tue May  7 10:00:01 2024\r\n'),
      body,
    ]);
    const parts = splitMbox(data);
    expect(parts).toHaveLength(2);
    expect(parts[0]?.equals(body)).toBe(true);
  });

  it('tells an mbox from a single message', () => {
    expect(isMbox(Buffer.from('From git@z Thu Jan  1 00:00:00 1970\nSubject: x\n'))).toBe(true);
    expect(isMbox(Buffer.from('Received: from x\nSubject: x\n'))).toBe(false);
    expect(isMbox(Buffer.from('From: Alice <a@x>\n'))).toBe(false);
  });

  it('quotes for mboxrd so that a split gives the text back', () => {
    const text = 'From x\n>From y\nok\n';
    const data = Buffer.from(`From mboxrd@z Thu Jan  1 00:00:00 1970\n${quoteMboxrd(text)}`);
    expect(splitMbox(data).map(String)).toEqual([text]);
  });

  it('splits at a From_ line with no blank line before it when headers follow', () => {
    const data = Buffer.from(
      `From a@b Tue May  7 10:00:00 2024\n${msg('a@x', 'a\n')}From a@b Tue May  7 10:00:01 2024\n${msg('b@x', 'b\n')}`,
    );
    expect(splitMbox(data).map(String)).toEqual([msg('a@x', 'a\n'), msg('b@x', 'b\n')]);
  });

  it('keeps a first message that has no From_ line, and reads the file as an mbox', () => {
    const data = Buffer.from(
      `${msg('a@x', 'a\n')}\nFrom a@b Tue May  7 10:00:01 2024\n${msg('b@x', 'b\n')}`,
    );
    expect(isMbox(data)).toBe(true);
    expect(splitMbox(data).map(String)).toEqual([msg('a@x', 'a\n'), msg('b@x', 'b\n')]);
  });

  it('skips a BOM and blank lines before the first From_ line', () => {
    const data = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(`\n\nFrom mboxrd@z Thu Jan  1 00:00:00 1970\n${msg('a@x', '>From x\n')}`),
    ]);
    expect(isMbox(data)).toBe(true);
    expect(detectFormat(data)).toBe('mboxrd');
    expect(splitMbox(data).map(String)).toEqual([msg('a@x', 'From x\n')]);
  });

  it('does not split a mail whose body carries a pasted format-patch', () => {
    const data = Buffer.from(
      `${msg('a@x', 'see:\n\nFrom 1234abcd Mon Sep 17 00:00:00 2001\nFrom: A <a@x>\nSubject: y\n\nz\n')}`,
    );
    expect(isMbox(data)).toBe(false);
  });

  it('reads an empty mbox as no messages', () => {
    expect(splitMbox(Buffer.alloc(0))).toEqual([]);
    expect(splitMbox(Buffer.from('\n\n'))).toEqual([]);
  });
});
