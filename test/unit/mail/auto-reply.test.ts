import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../../src/mail/parse.js';

const DIFF = 'msg\n---\ndiff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n';

function mail(subject: string, headers: string[] = []): Buffer {
  return Buffer.from(
    [
      'From: A <a@x>',
      `Subject: ${subject}`,
      'Message-ID: <m@x>',
      'In-Reply-To: <p@x>',
      ...headers,
      '',
      `I am away. Your mail:\n> ${DIFF}`,
    ].join('\n'),
  );
}

describe('auto-replies are rejected with a reason, never a patch', () => {
  it.each([
    [
      mail('Re: [PATCH bpf 1/2] x', ['Auto-Submitted: auto-replied']),
      'Auto-Submitted: auto-replied',
    ],
    [
      mail('[PATCH bpf 1/2] x', ['Auto-Submitted: auto-generated (vacation)']),
      'Auto-Submitted: auto-generated',
    ],
    [mail('[PATCH bpf 1/2] x', ['X-Autoreply: yes']), 'X-Autoreply'],
    [mail('[PATCH bpf 1/2] x', ['Precedence: auto_reply']), 'Precedence: auto_reply'],
    [mail('Automatic reply: [PATCH bpf 1/2] x'), 'subject "Automatic reply:"'],
    [mail('Out of Office: [PATCH bpf 1/2] x'), 'subject "Out of Office:"'],
    [mail('Auto: [PATCH bpf 1/2] x'), 'subject "Auto:"'],
  ])('%#: %s', (raw, why) => {
    expect(parseMessage(raw)).toMatchObject({
      ok: false,
      messageId: 'm@x',
      reason: `auto-reply (${why})`,
    });
  });

  it('takes Auto-Submitted: no and Precedence: bulk as ordinary mail', () => {
    const raw = Buffer.from(
      `From: A <a@x>\nSubject: [PATCH bpf] x\nMessage-ID: <m@x>\nAuto-Submitted: no\nPrecedence: bulk\n\n${DIFF}`,
    );
    expect(parseMessage(raw)).toMatchObject({ ok: true, message: { kind: 'patch' } });
  });
});
