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
});
