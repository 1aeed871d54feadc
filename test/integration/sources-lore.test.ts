import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LoreSource } from '../../src/config/sections/sources.js';
import { silentLogger } from '../../src/log.js';
import { listSeries } from '../../src/series/store.js';
import { fetchByMessageId, hasMessageId } from '../../src/sources/lore/client.js';
import { createLorePoller } from '../../src/sources/lore/poller.js';
import { type PublicInbox, startPublicInbox } from '../helpers/public-inbox.js';
import { loreFiles, loreMails, newStore, type TestStore } from '../helpers/sources-store.js';

describe('lore source against a real public-inbox', () => {
  let pi: PublicInbox;
  let store: TestStore;
  beforeAll(async () => {
    pi = await startPublicInbox({ seedFiles: loreFiles('v2') });
  });
  afterAll(async () => pi?.stop());
  afterEach(() => store?.close());
  const poller = () =>
    createLorePoller(
      LoreSource.parse({ url: pi.url, timeoutSeconds: 5, attempts: 2 }),
      silentLogger,
    );

  it('one poll brings the whole series; an idle poll costs one request', async () => {
    store = newStore();
    const p = poller();
    const first = await p.poll(store.ctx);
    expect(first.error).toBeUndefined();
    expect(first.stored).toHaveLength(6);
    const [series] = listSeries(store.db);
    expect(series).toMatchObject({ version: 2, total: 3, complete: true });
    expect(series?.patches.map((x) => x.index)).toEqual([1, 2, 3]);
    expect(series?.patches[0]?.trailers.map((t) => t.name)).toContain('Reviewed-by');
    const idle = await p.poll(store.ctx);
    expect(idle).toMatchObject({ requests: 1, stored: [], rejected: 0 });

    // A new series delivered the way the list delivers it shows up after one poll.
    for (const raw of loreMails('v3')) await pi.deliver(raw);
    const next = await p.poll(store.ctx);
    expect(next.stored).toHaveLength(4);
    const v3 = listSeries(store.db).find((s) => s.version === 3);
    expect(v3).toMatchObject({ complete: true, total: 3 });
    expect(store.counts()).toMatchObject({ messages: 10, rejected: 0 });
  });

  it('backfills by search when more arrived than the feed shows', async () => {
    store = newStore();
    // The cursor says "seen up to before everything": the feed holds no entry at or
    // before it, so the poller must search rt:<cursor>.. to be sure nothing is missed.
    store.db
      .prepare(
        "INSERT INTO cursors (source, value, updated_at) VALUES ('lore', '2024-01-01T00:00:00Z', 'x')",
      )
      .run();
    const r = await poller().poll(store.ctx);
    expect(r.error).toBeUndefined();
    expect(store.counts().messages).toBe(10);
    expect(r.requests).toBeGreaterThan(2);
  });

  it('fetchByMessageId returns the thread; hasMessageId answers yes and no', async () => {
    const thread = await fetchByMessageId(pi.url, '<cover.1714641300.git.alice@example.com>');
    expect(thread).toHaveLength(6);
    expect(await hasMessageId(pi.url, 'Zj1x2y3z4reply@example.org')).toBe(true);
    expect(await hasMessageId(pi.url, 'no-such-id@example.org')).toBe(false);
    await expect(fetchByMessageId(pi.url, 'no-such-id@example.org')).rejects.toThrow(
      /NOT_FOUND|is not on/,
    );
  });
});
