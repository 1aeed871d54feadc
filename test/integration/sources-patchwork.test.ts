import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PatchworkSource } from '../../src/config/sections/sources.js';
import { silentLogger } from '../../src/log.js';
import { seriesForApply } from '../../src/pipeline/apply/from-store.js';
import { listSeries, loadSeries, type StoredSeries } from '../../src/series/store.js';
import { fetchPatchworkSeries } from '../../src/sources/patchwork/fetch-series.js';
import { createPatchworkPoller } from '../../src/sources/patchwork/poller.js';
import { type PatchworkFake, startPatchworkFake } from '../helpers/patchwork-fake/index.js';
import { loreMails, newStore, type TestStore } from '../helpers/sources-store.js';

function v2Series(pw: PatchworkFake, extra: { state?: string; delegate?: string } = {}) {
  const [cover, ...patches] = loreMails('v2-series');
  return pw.addSeries({ cover, patches, ...extra });
}

describe('Patchwork source against the fake', () => {
  let pw: PatchworkFake;
  let store: TestStore;
  beforeAll(async () => {
    pw = await startPatchworkFake({ seed: 'empty' });
  });
  afterAll(async () => pw?.stop());
  afterEach(() => store?.close());
  const poller = (over: Record<string, unknown> = {}) =>
    createPatchworkPoller(
      PatchworkSource.parse({
        url: pw.apiUrl,
        project: 'netdevbpf',
        timeoutSeconds: 1,
        attempts: 2,
        lookbackHours: 1,
        ...over,
      }),
      {},
      silentLogger,
    );

  it('stores a completed series with cover, patches and Patchwork ids; idle costs one request', async () => {
    store = newStore();
    const added = v2Series(pw, { delegate: 'admin' });
    const p = poller();
    const r = await p.poll(store.ctx);
    expect(r.error).toBeUndefined();
    expect(r.stored).toHaveLength(4);
    const [s] = listSeries(store.db);
    expect(s).toMatchObject({ complete: true, total: 3, patchworkId: added.seriesId });
    expect(s?.patchworkUrl).toContain(`series=${added.seriesId}`);
    expect(s?.patches.map((x) => x.patchworkId)).toEqual(added.patchIds);
    expect(s?.coverMessageId).toBe('cover.1714641300.git.alice@example.com');
    // The delegate is kept, for routing a series whose subject has no tree tag.
    expect(s?.patchworkDelegate).toBe('admin');
    expect(seriesForApply(s as StoredSeries).delegate).toBe('admin');
    pw.requests.length = 0;
    const idle = await p.poll(store.ctx);
    expect(idle).toMatchObject({ requests: 1, stored: [], attached: [] });
    expect(pw.requests).toHaveLength(1);
    expect(pw.requests[0]?.url.searchParams.get('since')).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+$/);
    expect(pw.requests.every((q) => q.url.pathname.endsWith('/'))).toBe(true);
  });

  it('bpfci test <series-id> stores the series with its delegate too', async () => {
    store = newStore();
    const added = v2Series(pw, { delegate: 'admin' });
    const config = PatchworkSource.parse({ url: pw.apiUrl, project: 'netdevbpf' });
    const id = await fetchPatchworkSeries(store.ctx, config, added.seriesId);
    expect(loadSeries(store.db, id)).toMatchObject({
      patchworkId: added.seriesId,
      patchworkDelegate: 'admin',
    });
  });

  it('skips series in ignored states and outside the delegate filter, once', async () => {
    store = newStore();
    const before = pw.model.next.series;
    v2Series(pw, { state: 'superseded' });
    v2Series(pw, { delegate: 'outsider' });
    const r = await poller({ delegates: ['ci-bot'] }).poll(store.ctx);
    const skippedNew = r.skipped.filter((s) => Number(s.id.split(' ').at(-1)) >= before);
    expect(skippedNew.map((s) => s.reason)).toEqual([
      expect.stringMatching(/state superseded/),
      expect.stringMatching(/delegate/),
    ]);
    expect(store.counts().messages).toBe(0);
    const again = await poller({ delegates: ['ci-bot'] }).poll(store.ctx);
    expect(again.skipped).toEqual([]);
  });
});
