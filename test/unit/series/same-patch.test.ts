import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../../src/mail/parse.js';
import { samePatch } from '../../../src/series/same-patch.js';

const BODY =
  'Clamp it.\n\nSigned-off-by: A <a@x>\n---\ndiff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n';

function parsed(extraHeaders: string, body = BODY, eol = '\n') {
  const raw = `${extraHeaders}From: A <a@x>\nSubject: [PATCH bpf] x\nMessage-ID: <m@x>\n\n${body}`;
  const r = parseMessage(Buffer.from(raw.replace(/\n/g, eol)));
  if (!r.ok) throw new Error(r.reason);
  return r.message;
}

describe('samePatch', () => {
  it('takes copies that differ in headers, line endings or added review trailers as one', () => {
    const imap = parsed('Received: from mx by bot\nX-Original-To: bot@x\n', BODY, '\r\n');
    const lore = parsed('List-Id: <bpf.vger.kernel.org>\n');
    const patchwork = parsed(
      'X-Patchwork-Id: 7\n',
      BODY.replace('Signed-off-by: A <a@x>\n', 'Signed-off-by: A <a@x>\nReviewed-by: B <b@x>\n'),
    );
    expect(samePatch(imap, lore)).toBe(true);
    expect(samePatch(lore, patchwork)).toBe(true);
  });

  it('tells a changed diff, commit message or subject apart', () => {
    const first = parsed('');
    expect(samePatch(first, parsed('', BODY.replace('+b', '+c')))).toBe(false);
    expect(samePatch(first, parsed('', BODY.replace('Clamp', 'Clip')))).toBe(false);
    const other = parsed('');
    expect(samePatch(first, { ...other, subjectRaw: '[PATCH bpf] y' })).toBe(false);
  });
});
