import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitMbox } from '../../src/mail/mbox.js';
import { ingestMessages } from '../../src/series/ingest.js';
import { readPatchMbox } from '../../src/series/patch-mbox.js';
import { rawMailPath } from '../../src/series/raw-store.js';
import { listSeries } from '../../src/series/store.js';
import { tempStore } from '../helpers/mail-store.js';

const BAD = 'test/fixtures/mail-bad';
// biome-ignore lint/suspicious/noControlCharactersInRegex: asserting none survive
const UNSAFE = /[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/;
const raw = (name: string) => readFileSync(join(BAD, name));

interface MessageRow {
  kind: string;
  subject: string;
  from_name: string;
  date: string | null;
  notes: string;
}

function ingestOne(name: string) {
  const ctx = tempStore();
  const summary = ingestMessages(ctx, [raw(name)], 'test');
  const rejected = ctx.db.prepare('SELECT message_id, reason FROM rejected_messages').all();
  const rows = ctx.db.prepare<[], MessageRow>('SELECT * FROM messages').all();
  return { ctx, summary, rejected, rows };
}

describe('malformed mail is rejected with a reason, kept, and never crashes', () => {
  it.each([
    ['no-message-id.eml', undefined, 'no Message-ID header'],
    [
      'broken-mime-no-boundary.eml',
      'nobound.1715076000.git.carol@example.net',
      'broken MIME: no readable text part in a non-empty body',
    ],
    ['empty-body.eml', 'empty.1715076000.git.carol@example.net', 'empty body'],
    [
      'deep-mime.eml',
      'deep.1715076000.git.carol@example.net',
      'MIME parse failed: Max allowed child nodes exceeded',
    ],
  ])('%s → rejected', (name, messageId, reason) => {
    const { summary, rejected, rows } = ingestOne(name);
    expect(summary.rejected).toEqual([messageId ? { messageId, reason } : { reason }]);
    expect(rejected).toEqual([{ message_id: messageId ?? null, reason }]);
    expect(rows).toEqual([]);
  });

  it.each([
    ['counter-7-of-3.eml', 'subject counter 7/3 is past the end of the series'],
    ['counter-0-of-0.eml', 'subject counter 0/0 has no patches'],
  ])('%s → stored, its series held with the reason', (name, reason) => {
    const { ctx, summary, rows } = ingestOne(name);
    expect(summary.rejected).toEqual([]);
    expect(JSON.parse(rows[0]?.notes ?? '[]')).toContain(reason);
    expect(listSeries(ctx.db)[0]?.heldReason).toBe(reason);
  });

  it('gives the same reason again for the same bad bytes, without a second row', () => {
    const ctx = tempStore();
    const first = ingestMessages(ctx, [raw('empty-body.eml')], 'lore');
    const again = ingestMessages(ctx, [raw('empty-body.eml')], 'imap');
    expect(again.rejected).toEqual(first.rejected);
    expect(ctx.db.prepare('SELECT count(*) AS n FROM rejected_messages').get()).toEqual({ n: 1 });
  });

  it('rejects a 20 MB mail before parsing it, and keeps only its header block', () => {
    const ctx = tempStore();
    const big = Buffer.concat([raw('crlf.eml'), Buffer.alloc(20 * 1024 * 1024, 'A')]);
    const summary = ingestMessages(ctx, [big], 'test');
    const head = raw('crlf.eml').subarray(0, raw('crlf.eml').indexOf('\r\n\r\n') + 4);
    expect(summary.rejected).toEqual([
      {
        messageId: 'crlf.1715076000.git.carol@example.net',
        reason: `mail is ${big.length} bytes, over the 10485760-byte limit; only its ${head.length}-byte header block is kept`,
      },
    ]);
    const row = ctx.db
      .prepare<[], { raw_path: string }>('SELECT raw_path FROM rejected_messages')
      .get();
    expect(readFileSync(rawMailPath(ctx.db, row?.raw_path ?? '')).equals(head)).toBe(true);
    // The cap is configurable.
    const small = ingestMessages({ ...tempStore(), maxMailBytes: 100 }, [raw('crlf.eml')], 'test');
    expect(small.rejected[0]?.reason).toMatch(
      /^mail is 849 bytes, over the 100-byte limit; only its \d+-byte header block is kept$/,
    );
  });

  it('keeps a bounded header block however big, and nothing for the same bytes again', () => {
    const ctx = tempStore();
    const hugeHeader = Buffer.from(`X-Junk: ${'j'.repeat(200 * 1024)}\n`);
    const big = Buffer.concat([hugeHeader, raw('crlf.eml'), Buffer.alloc(11 * 1024 * 1024, 'A')]);
    ingestMessages(ctx, [big, big], 'test');
    ingestMessages(ctx, [big], 'imap');
    const rows = ctx.db
      .prepare<[], { raw_path: string }>('SELECT raw_path FROM rejected_messages')
      .all();
    expect(rows).toHaveLength(1);
    expect(readFileSync(rawMailPath(ctx.db, rows[0]?.raw_path ?? '')).length).toBe(64 * 1024);
  });

  it('keeps the first of two mails with the same Message-ID and different bodies', () => {
    const ctx = tempStore();
    const id = 'dup.1715076000.git.carol@example.net';
    ingestMessages(ctx, [raw('duplicate-id-first.eml')], 'lore');
    const second = ingestMessages(ctx, [raw('duplicate-id-second.eml')], 'imap');
    expect(second.stored).toEqual([]);
    expect(second.rejected).toHaveLength(1);
    expect(second.rejected[0]?.reason).toMatch(
      new RegExp(
        `^Message-ID <${id.replace(/\./g, '\\.')}> is already stored with a different patch \\(sha256 [0-9a-f]{12}\\)$`,
      ),
    );
    const [s] = listSeries(ctx.db);
    expect(readPatchMbox(s as NonNullable<typeof s>).toString()).toContain(
      'Clamp it to PAGE_SIZE.\n',
    );
    expect(readPatchMbox(s as NonNullable<typeof s>).toString()).not.toContain('evil twin');
    // The identical first mail again is a duplicate, not a rejection.
    expect(ingestMessages(ctx, [raw('duplicate-id-first.eml')], 'pw').duplicates).toEqual([id]);
  });

  it.each([
    ['8bit-headers.eml', '[PATCH bpf] bpf: fix für Größe', 'Jörg Rödel'],
    ['encoded-word-headers.eml', '[PATCH bpf] bpf: fix für Größe', 'Jörg Rödel'],
    [
      'hostile-subject.eml',
      '[PATCH bpf-next] bpf: Bcc: victim@example.org red evil iso ok',
      'Mallory X-Evil: 1',
    ],
  ])('%s → stored with decoded, clean headers', (name, subject, fromName) => {
    const { summary, rows } = ingestOne(name);
    expect(summary.rejected).toEqual([]);
    expect(rows[0]).toMatchObject({ kind: 'patch', subject, from_name: fromName });
    expect(`${rows[0]?.subject}${rows[0]?.from_name}`).not.toMatch(UNSAFE);
  });

  it.each([
    ['bad-date.eml', 'unparseable Date: "sometime last week"'],
    ['future-date.eml', 'out-of-range Date: "Fri, 07 May 2999 10:00:00 +0000"'],
  ])('%s → stored with no date and a note, never "now"', (name, note) => {
    const { rows } = ingestOne(name);
    expect(rows[0]?.date).toBeNull();
    expect(JSON.parse(rows[0]?.notes ?? '[]')).toEqual([note]);
  });

  it.each([
    'base64-body.eml',
    'qp-body.eml',
    'patch-attachment.eml',
    'crlf.eml',
    'broken-mime-unterminated.eml',
  ])('%s → a patch whose git-am text is the plain diff', (name) => {
    const { ctx, rows } = ingestOne(name);
    expect(rows[0]?.kind).toBe('patch');
    const [s] = listSeries(ctx.db);
    expect(s).toMatchObject({ total: 1, complete: true, treeTag: 'bpf-next' });
    const mbox = readPatchMbox(s as NonNullable<typeof s>).toString();
    expect(mbox).toContain('diff --git a/kernel/bpf/helpers.c b/kernel/bpf/helpers.c\n');
    expect(mbox).toContain('+\tif (size > PAGE_SIZE');
    expect(mbox).not.toContain('\r');
  });

  it('qp-body.eml → soft line breaks joined and =XX escapes decoded', () => {
    const { ctx } = ingestOne('qp-body.eml');
    const [s] = listSeries(ctx.db);
    const mbox = readPatchMbox(s as NonNullable<typeof s>).toString();
    expect(mbox).toContain('+\tif (size > PAGE_SIZE /* =limit */)\n');
    expect(mbox).toContain(
      'any size, which is a long explanation that a mailer will wrap with soft line breaks. Clamp it to PAGE_SIZE.\n',
    );
  });

  it('no-prefix.eml → a v1 1/1 patch, as b4 infers', () => {
    const { ctx } = ingestOne('no-prefix.eml');
    const [s] = listSeries(ctx.db);
    expect(s).toMatchObject({
      version: 1,
      total: 1,
      complete: true,
      name: 'bpf: clamp the toy buffer size',
    });
    expect(s?.treeTag).toBeUndefined();
  });

  it('unescaped-from.mbox → two messages, From lines kept in the body', () => {
    const raws = splitMbox(raw('unescaped-from.mbox'));
    expect(raws).toHaveLength(2);
    expect(raws[0]?.toString()).toContain(
      '\nFrom the start this helper trusted its caller.\nFrom carol@example.net the fix is simple.\n',
    );
    const ctx = tempStore();
    expect(ingestMessages(ctx, raws, 'test').stored).toHaveLength(2);
    const [s] = listSeries(ctx.db);
    expect(s).toMatchObject({ total: 2, complete: true });
  });
});
