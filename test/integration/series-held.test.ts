import { describe, expect, it } from 'vitest';
import { feedQueue } from '../../src/daemon/feed.js';
import { createSqliteQueue } from '../../src/daemon/sqlite-queue.js';
import { formatSeriesDetail } from '../../src/series/format.js';
import { ingestMessages } from '../../src/series/ingest.js';
import { listSeries, loadSeries } from '../../src/series/store.js';
import { getSeries } from '../../src/web/data/series.js';
import { seriesPage } from '../../src/web/pages/series-page.js';
import { tempContext } from '../helpers/daemon-state.js';
import { diffBody, mail, series } from '../helpers/mail-builder.js';

function store() {
  const ctx = tempContext();
  return { ...ctx, ingest: (raws: Buffer[]) => ingestMessages(ctx, raws, 'test') };
}

describe('odd subjects are stored and shown, and never tested', () => {
  it.each([
    ['[PATCH bpf-next 7/3] x: odd', 'subject counter 7/3 is past the end of the series'],
    ['[PATCH bpf-next 0/0] x: odd', 'subject counter 0/0 has no patches'],
    ['[PATCH bpf-next 1/0] x: odd', 'subject counter 1/0 has no patches'],
    ['[PATCH bpf-next v0] x: odd', 'subject version v0 is not valid'],
    [
      '[PATCH bpf-next v123456789012345678901234567890] x: odd',
      'subject version "v123456789012345678901234567890" is not a believable number',
    ],
  ])('%s', (subject, reason) => {
    const ctx = store();
    const summary = ctx.ingest([mail({ id: 'odd@x', subject, body: diffBody('f') })]);
    expect(summary).toMatchObject({ stored: ['odd@x'], rejected: [] });
    const note = ctx.db.prepare('SELECT notes, version FROM messages').get() as {
      notes: string;
      version: number | null;
    };
    expect(JSON.parse(note.notes)).toContain(reason);
    expect(Number.isSafeInteger(note.version ?? 0)).toBe(true);
    const [s] = listSeries(ctx.db);
    expect(s?.heldReason).toBe(reason);
    expect(formatSeriesDetail(s as NonNullable<typeof s>)).toContain(`held        ${reason}`);
    expect(feedQueue(ctx, createSqliteQueue(ctx.db), new Date()).enqueued).toEqual([]);
  });
});

describe('two patches with the same number in one series', () => {
  it('keeps both, marks the series ambiguous on its page, queues nothing; a new revision is tested', () => {
    const ctx = store();
    const [cover, p1, p2] = series('amb', 2, 2);
    const again = mail({
      id: 'amb-v2-2-again@example.com',
      subject: '[PATCH bpf-next v2 2/2] amb: part 2, sent twice',
      inReplyTo: 'amb-v2-cover@example.com',
      body: diffBody('other'),
    });
    ctx.ingest([cover, p1, p2, again] as Buffer[]);
    const [s] = listSeries(ctx.db);
    expect(s?.complete).toBe(true);
    expect(s?.patches.map((p) => p.messageId)).toEqual([
      'amb-v2-1@example.com',
      'amb-v2-2@example.com',
    ]);
    expect(s?.extraPatches).toEqual([
      {
        index: 2,
        messageId: 'amb-v2-2-again@example.com',
        subject: '[PATCH bpf-next v2 2/2] amb: part 2, sent twice',
      },
    ]);
    expect(s?.heldReason).toBe(
      'ambiguous: two patches numbered 2/2 (<amb-v2-2@example.com> and <amb-v2-2-again@example.com>); not tested until a new revision',
    );
    const page = String(
      seriesPage(getSeries(ctx.db, s?.id ?? 0) as NonNullable<ReturnType<typeof getSeries>>, []),
    );
    expect(page).toContain(
      'Not tested:</strong> ambiguous: two patches numbered 2/2 (&lt;amb-v2-2@example.com&gt;',
    );
    const queue = createSqliteQueue(ctx.db);
    expect(feedQueue(ctx, queue, new Date()).enqueued).toEqual([]);

    ctx.ingest(series('amb', 3, 2));
    const v3 = listSeries(ctx.db).find((x) => x.version === 3);
    expect(loadSeries(ctx.db, s?.id ?? 0)?.supersededBy).toBe(v3?.id);
    expect(feedQueue(ctx, queue, new Date()).enqueued.map((j) => j.seriesId)).toEqual([v3?.id]);
  });
});
