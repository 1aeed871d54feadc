import { describe, expect, it } from 'vitest';
import { ingestMessages } from '../../src/series/ingest.js';
import { listSeries, loadSeries } from '../../src/series/store.js';
import { COVER_BODY, diffBody, mail, series } from '../helpers/mail-builder.js';
import { tempStore } from '../helpers/mail-store.js';

const byVersion = (ctx: ReturnType<typeof tempStore>) =>
  Object.fromEntries(listSeries(ctx.db).map((s) => [`v${s.version}${s.resend ? 'r' : ''}`, s]));

describe('series assembly rules (b4 / Patchwork)', () => {
  it('groups unthreaded patches by submitter, version and total within 20 minutes', () => {
    const ctx = tempStore();
    const p = (i: number, minute: number) =>
      mail({
        id: `u${i}-${minute}@x`,
        subject: `[PATCH bpf ${i}/2] u: part ${i}`,
        minute,
        body: diffBody(`u${i}`),
      });
    ingestMessages(ctx, [p(1, 0), p(2, 3)], 'test');
    expect(listSeries(ctx.db).map((s) => [s.complete, s.patches.length])).toEqual([[true, 2]]);
    ingestMessages(ctx, [p(1, 100), p(2, 200)], 'test');
    // 100 minutes apart: two more, separate, incomplete series.
    expect(listSeries(ctx.db).map((s) => s.complete)).toEqual([false, false, true]);
  });

  it('follows deep threading (each patch replies to the previous one)', () => {
    const ctx = tempStore();
    const ids = ['d0@x', 'd1@x', 'd2@x', 'd3@x'];
    const raws = ids.map((id, i) =>
      mail({
        id,
        subject: `[PATCH v2 ${i}/3] deep`,
        inReplyTo: ids[i - 1],
        references: ids.slice(0, i),
        body: i === 0 ? COVER_BODY : diffBody(`d${i}`),
      }),
    );
    ingestMessages(ctx, raws.reverse(), 'test');
    const all = listSeries(ctx.db);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({
      version: 2,
      complete: true,
      coverMessageId: 'd0@x',
      name: 'deep',
    });
  });

  it('gives a patch without vN the revision of the thread it replies into', () => {
    const ctx = tempStore();
    const [cover] = series('inf', 2, 1);
    const patch = mail({
      id: 'inf-1@x',
      subject: '[PATCH 1/1] inf: part 1',
      inReplyTo: 'inf-v2-cover@example.com',
    });
    ingestMessages(ctx, [cover as Buffer, patch], 'test');
    expect(listSeries(ctx.db).map((s) => [s.version, s.complete])).toEqual([[2, true]]);
  });

  it('takes the version from a late cover when the patches before it had none', () => {
    const ctx = tempStore();
    const [cover] = series('late', 3, 1);
    const patch = mail({
      id: 'late-1@x',
      subject: '[PATCH 1/1] late: part 1',
      inReplyTo: 'late-v3-cover@example.com',
    });
    ingestMessages(ctx, [patch], 'test');
    expect(listSeries(ctx.db).map((s) => s.version)).toEqual([1]);
    ingestMessages(ctx, [cover as Buffer], 'test');
    expect(listSeries(ctx.db).map((s) => [s.version, s.complete, s.coverMessageId])).toEqual([
      [3, true, 'late-v3-cover@example.com'],
    ]);
  });

  it('keeps a v2 posted in reply to an unversioned v1 apart from it, and links them', () => {
    const ctx = tempStore();
    ingestMessages(ctx, series('thr', 1, 2), 'test');
    const v2 = series('thr', 2, 2).map((raw, i) =>
      i === 0
        ? Buffer.from(
            raw
              .toString()
              .replace('Message-ID:', 'In-Reply-To: <thr-v1-cover@example.com>\nMessage-ID:'),
          )
        : raw,
    );
    ingestMessages(ctx, v2, 'test');
    const { v1, v2: second } = byVersion(ctx);
    expect(v1?.patches).toHaveLength(2);
    expect(second).toMatchObject({
      complete: true,
      coverMessageId: 'thr-v2-cover@example.com',
      previousId: v1?.id,
    });
    expect(v1?.supersededBy).toBe(second?.id);
  });

  it('keeps the first message for a slot; a different one never replaces it', () => {
    const ctx = tempStore();
    const raws = series('slot', 1, 1);
    const rival = mail({
      id: 'slot-rival@x',
      subject: '[PATCH bpf-next 1/1] slot: other',
      inReplyTo: 'slot-v1-cover@example.com',
      body: diffBody('rival'),
    });
    ingestMessages(ctx, [...raws, rival], 'test');
    const [s] = listSeries(ctx.db);
    expect(s?.patches.map((p) => p.messageId)).toEqual(['slot-v1-1@example.com']);
  });

  it('links revisions by b4 change-id even when the subject was reworded', () => {
    const ctx = tempStore();
    const withId = (tag: string, v: number, name: string) =>
      mail({
        id: `${tag}@x`,
        subject: `[PATCH v${v}] ${name}`,
        body: `${diffBody(tag, '\n')}\nchange-id: 20240507-toy-abcdef\n`,
        minute: v * 60,
      });
    ingestMessages(
      ctx,
      [withId('c1', 1, 'bpf: first wording'), withId('c2', 2, 'bpf: better wording')],
      'test',
    );
    const { v1, v2 } = byVersion(ctx);
    expect(v1?.changeId).toBe('20240507-toy-abcdef');
    expect(v1?.supersededBy).toBe(v2?.id);
    expect(v2?.previousId).toBe(v1?.id);
  });

  it('does not link the same subject from another submitter', () => {
    const ctx = tempStore();
    ingestMessages(
      ctx,
      [
        mail({ id: 'a@x', subject: '[PATCH] bpf: same', minute: 0 }),
        mail({
          id: 'b@x',
          subject: '[PATCH v2] bpf: same',
          from: 'Eve <eve@example.org>',
          minute: 60,
        }),
      ],
      'test',
    );
    expect(listSeries(ctx.db).map((s) => [s.previousId, s.supersededBy])).toEqual([
      [undefined, undefined],
      [undefined, undefined],
    ]);
  });

  it('a RESEND of the same revision supersedes the earlier posting', () => {
    const ctx = tempStore();
    ingestMessages(ctx, [mail({ id: 'r1@x', subject: '[PATCH bpf] bpf: fix', minute: 0 })], 'test');
    ingestMessages(
      ctx,
      [mail({ id: 'r2@x', subject: '[PATCH RESEND bpf] bpf: fix', minute: 90 })],
      'test',
    );
    const { v1, v1r } = byVersion(ctx);
    expect(v1?.supersededBy).toBe(v1r?.id);
  });

  it('reconstitutes a partial re-roll from the previous revision', () => {
    const ctx = tempStore();
    ingestMessages(ctx, series('pr', 2, 3), 'test');
    const v3p2 = mail({
      id: 'pr-v3-2@x',
      subject: '[PATCH bpf-next v3 2/3] pr: part 2',
      inReplyTo: 'pr-v2-2@example.com',
      references: ['pr-v2-cover@example.com', 'pr-v2-2@example.com'],
      body: diffBody('pr2-fixed'),
      minute: 60,
    });
    ingestMessages(ctx, [v3p2], 'test');
    const all = listSeries(ctx.db);
    const v3 = all.find((s) => s.version === 3);
    const v2 = all.find((s) => s.version === 2);
    expect(v3?.complete).toBe(true);
    expect(v3?.name).toBe('pr');
    expect(v3?.patches.map((p) => [p.index, p.messageId, p.inheritedFrom])).toEqual([
      [1, 'pr-v2-1@example.com', v2?.id],
      [2, 'pr-v3-2@x', undefined],
      [3, 'pr-v2-3@example.com', v2?.id],
    ]);
    expect(v2?.supersededBy).toBe(v3?.id);
  });

  it('applies trailers on the cover to every patch, and from replies to replies', () => {
    const ctx = tempStore();
    ingestMessages(ctx, series('tr', 1, 2), 'test');
    const ack = mail({
      id: 'ack@x',
      subject: 'Re: [PATCH bpf-next 0/2] tr',
      from: 'Maint <maint@example.org>',
      inReplyTo: 'tr-v1-cover@example.com',
      body: '> Cover letter.\n\nAcked-by: Maint <maint@example.org>\n',
    });
    const review = mail({
      id: 'rev@x',
      subject: 'Re: [PATCH bpf-next 2/2] tr: part 2',
      inReplyTo: 'tr-v1-2@example.com',
      body: 'Some question?\n',
    });
    const answer = mail({
      id: 'ans@x',
      subject: 'Re: [PATCH bpf-next 2/2] tr: part 2',
      inReplyTo: 'rev@x',
      body: '> Some question?\nFine then.\nTested-by: Tess <tess@example.org>\n',
    });
    const summary = ingestMessages(ctx, [ack, review, answer], 'test');
    const [s] = listSeries(ctx.db);
    expect(summary.seriesTouched).toEqual([s?.id]);
    expect(s?.patches[0]?.trailers).toEqual([
      { name: 'Acked-by', value: 'Maint <maint@example.org>', from: 'ack@x' },
    ]);
    expect(s?.patches[1]?.trailers.map((t) => `${t.name}: ${t.value}`)).toEqual([
      'Acked-by: Maint <maint@example.org>',
      'Tested-by: Tess <tess@example.org>',
    ]);
  });

  it('writes nothing when the caller rolls its transaction back', () => {
    const ctx = tempStore();
    expect(() =>
      ctx.db.transaction(() => {
        ingestMessages(ctx, series('rb', 1, 2), 'test');
        throw new Error('cursor save failed');
      })(),
    ).toThrow('cursor save failed');
    expect(listSeries(ctx.db)).toEqual([]);
    expect(ctx.db.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 0 });
    // And the same mail imports normally afterwards.
    expect(ingestMessages(ctx, series('rb', 1, 2), 'test').stored).toHaveLength(3);
    expect(loadSeries(ctx.db, listSeries(ctx.db)[0]?.id ?? 0)?.complete).toBe(true);
  });
});
