import { describe, expect, it } from 'vitest';
import { ingestMessages } from '../../src/series/ingest.js';
import { listSeries, loadSeries } from '../../src/series/store.js';
import { ingestFiles, LORE, loreMbox, tempStore } from '../helpers/mail-store.js';

const V2 = [
  '0000-cover-letter.eml',
  '0001-bpf-reject-oversized.eml',
  '0002-bpf-return-consumed-size.eml',
  '0003-selftests-bpf-add-tests.eml',
  '0004-re-1-3-reviewed-by.eml',
  '0005-re-0-3-applied.eml',
];

describe('series assembly from the recorded lore thread', () => {
  it('assembles v2 from the mbox: cover, 3 patches in order, Reviewed-by on patch 1 only', () => {
    const ctx = tempStore();
    const summary = ingestMessages(ctx, loreMbox('series.mbox'), 'test');
    expect(summary.stored).toHaveLength(6);
    expect(summary.rejected).toEqual([]);
    const all = listSeries(ctx.db);
    expect(all).toHaveLength(1);
    const s = all[0];
    expect(s).toMatchObject({
      version: 2,
      total: 3,
      complete: true,
      treeTag: 'bpf-next',
      name: 'bpf: size checks for bpf_toy_helper()',
      coverMessageId: 'cover.1714641300.git.alice@example.com',
      baseCommit: 'e0ec660ba138bc4d0eb592c0fc4fbcd3f1dc1c1c',
      submitter: { name: 'Alice Developer', addr: 'alice@example.com' },
    });
    expect(s?.patches.map((p) => p.index)).toEqual([1, 2, 3]);
    expect(s?.patches[0]?.trailers).toEqual([
      {
        name: 'Reviewed-by',
        value: 'Bob Maintainer <bob@example.org>',
        from: 'Zj1x2y3z4reply@example.org',
      },
    ]);
    expect(s?.patches[1]?.trailers).toEqual([]);
    expect(summary.seriesTouched).toEqual([s?.id]);
  });

  it('assembles the same series whatever order the mails arrive in, one at a time', () => {
    const ctx = tempStore();
    const order = [V2[4], V2[3], V2[1], V2[5], V2[2], V2[0]] as string[];
    for (const name of order) ingestFiles(ctx, LORE, [name]);
    const all = listSeries(ctx.db);
    expect(all).toHaveLength(1);
    expect(all[0]?.complete).toBe(true);
    expect(all[0]?.name).toBe('bpf: size checks for bpf_toy_helper()');
    expect(all[0]?.patches.map((p) => p.messageId.split('.')[0])).toEqual([
      '0c64571a821e851ea55edd956a5fc8855c02f8fa',
      expect.any(String),
      expect.any(String),
    ]);
    expect(all[0]?.patches[0]?.trailers.map((t) => t.name)).toEqual(['Reviewed-by']);
  });

  it('is incomplete until the last patch arrives', () => {
    const ctx = tempStore();
    ingestFiles(ctx, LORE, [V2[0], V2[1], V2[3]] as string[]);
    const [s] = listSeries(ctx.db);
    expect(s?.complete).toBe(false);
    expect(s?.patches.map((p) => p.index)).toEqual([1, 3]);
    ingestFiles(ctx, LORE, [V2[2]] as string[]);
    expect(loadSeries(ctx.db, s?.id ?? 0)?.complete).toBe(true);
  });

  it('links v3 to v2 and marks v2 superseded, in either arrival order', () => {
    for (const first of ['series.mbox', 'series-v3.mbox'] as const) {
      const ctx = tempStore();
      const second = first === 'series.mbox' ? 'series-v3.mbox' : 'series.mbox';
      ingestMessages(ctx, loreMbox(first), 'test');
      ingestMessages(ctx, loreMbox(second), 'test');
      const all = listSeries(ctx.db);
      expect(all).toHaveLength(2);
      const v2 = all.find((s) => s.version === 2);
      const v3 = all.find((s) => s.version === 3);
      expect(v2?.supersededBy).toBe(v3?.id);
      expect(v3?.previousId).toBe(v2?.id);
      expect(v3?.supersededBy).toBeUndefined();
      expect(v3?.complete).toBe(true);
    }
  });

  it('changes nothing when the same mbox is imported again', () => {
    const ctx = tempStore();
    ingestMessages(ctx, loreMbox('series.mbox'), 'test');
    const before = JSON.stringify(listSeries(ctx.db));
    const again = ingestMessages(ctx, loreMbox('series.mbox'), 'lore');
    expect(again.stored).toEqual([]);
    expect(again.duplicates).toHaveLength(6);
    expect(again.seriesTouched).toEqual([]);
    expect(JSON.stringify(listSeries(ctx.db))).toBe(before);
  });
});
