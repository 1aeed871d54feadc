import { describe, expect, it } from 'vitest';
import { normalizeMessageId } from '../../../src/mail/message-id.js';
import { parseMessage } from '../../../src/mail/parse.js';
import { composeRaw } from '../../../src/report/compose.js';
import { cleanMessageId } from '../../../src/report/sanitize.js';
import { rawMessageId } from '../../../src/sources/raw-message-id.js';

const DIFF = 'msg\n---\ndiff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n';

function mailWithIds(id: Buffer, inReplyTo: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from('From: a <a@x>\nSubject: [PATCH] x\nMessage-ID: <'),
    id,
    Buffer.from('>\nIn-Reply-To: <'),
    inReplyTo,
    Buffer.from('>\nReferences: <'),
    inReplyTo,
    Buffer.from(`>\n\n${DIFF}`),
  ]);
}

describe('Message-IDs that are not ASCII', () => {
  it('are kept byte for byte (UTF-8), so a reply threads', () => {
    const id = 'pätch-ü@exämple.org';
    const parent = 'cövér.1@例え.jp';
    const r = parseMessage(mailWithIds(Buffer.from(id), Buffer.from(parent)));
    expect(r.ok && [r.message.messageId, r.message.inReplyTo, r.message.references]).toEqual([
      id,
      parent,
      [parent],
    ]);
    expect(rawMessageId(mailWithIds(Buffer.from(id), Buffer.from(parent)))).toBe(id);
  });

  it('keep folding whitespace out but refuse what cannot go into a header', () => {
    expect(normalizeMessageId('<a\r\n b@x>')).toBe('ab@x');
    expect(normalizeMessageId('<a\u0000b@x>')).toBeUndefined();
    expect(normalizeMessageId('<a\u001b[31mb@x>')).toBeUndefined();
    expect(normalizeMessageId('<a\u009bb@x>')).toBeUndefined();
    expect(normalizeMessageId('<é@x>')).toBe('é@x');
  });

  it('refuse a mail whose only Message-ID has a NUL', () => {
    const r = parseMessage(mailWithIds(Buffer.from('a\0b@x'), Buffer.from('p@x')));
    expect(r).toMatchObject({ ok: false, reason: 'no Message-ID header' });
  });
});

describe('a reply to a mail with a UTF-8 Message-ID', () => {
  it('carries the id byte for byte in In-Reply-To and References', async () => {
    const parent = cleanMessageId('pätch-ü@exämple.org') ?? '';
    const raw = await composeRaw({
      messageId: '<r1@bpfci.example>',
      from: 'bpfci <ci@example.org>',
      to: ['a@x'],
      cc: [],
      subject: 'Re: x',
      inReplyTo: parent,
      references: [parent],
      date: 'Tue, 07 May 2024 10:00:00 +0000',
      text: 'ok\n',
    });
    expect(raw).toContain('\nIn-Reply-To: <pätch-ü@exämple.org>\r\n');
    expect(raw).toContain('\nReferences: <pätch-ü@exämple.org>\r\n');
  });
});
