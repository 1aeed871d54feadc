import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LoreSource, PatchworkSource } from '../../src/config/sections/sources.js';
import { silentLogger } from '../../src/log.js';
import { createLorePoller } from '../../src/sources/lore/poller.js';
import { createPatchworkPoller } from '../../src/sources/patchwork/poller.js';
import type { PollReport } from '../../src/sources/types.js';
import { type HttpFaultProxy, startHttpFaultProxy } from '../helpers/http-fault-proxy.js';
import {
  type Fault,
  type PatchworkFake,
  startPatchworkFake,
} from '../helpers/patchwork-fake/index.js';
import { type PublicInbox, startPublicInbox } from '../helpers/public-inbox.js';
import { loreFiles, loreMails, newStore, type TestStore } from '../helpers/sources-store.js';

type Case = { name: string; fault: Fault; match: RegExp; times: number; fails: boolean };

const cases: Case[] = [
  {
    name: 'HTTP 500 once (retried)',
    fault: { kind: 'status', status: 500 },
    match: /events/,
    times: 1,
    fails: false,
  },
  {
    name: 'HTTP 503 on every attempt',
    fault: { kind: 'status', status: 503 },
    match: /events/,
    times: 2,
    fails: true,
  },
  {
    name: 'hung socket (timeout)',
    fault: { kind: 'hang' },
    match: /series\/\d+\/$/,
    times: 2,
    fails: true,
  },
  {
    name: 'connection reset mid-body',
    fault: { kind: 'reset' },
    match: /mbox/,
    times: 2,
    fails: true,
  },
  { name: 'garbage JSON', fault: { kind: 'garbage' }, match: /events/, times: 1, fails: true },
];

function expectNoLossNoDup(store: TestStore, messages: number): void {
  expect(store.counts()).toEqual({ messages, series: 1, rejected: 0 });
}

describe('Patchwork faults: nothing lost, nothing doubled', () => {
  let pw: PatchworkFake;
  let store: TestStore;
  beforeAll(async () => {
    pw = await startPatchworkFake({ seed: 'empty' });
    const [cover, ...patches] = loreMails('v2-series');
    pw.addSeries({ cover, patches });
  });
  afterAll(async () => pw?.stop());
  afterEach(() => store?.close());
  const poller = () =>
    createPatchworkPoller(
      PatchworkSource.parse({
        url: pw.apiUrl,
        project: 'netdevbpf',
        timeoutSeconds: 1,
        attempts: 2,
      }),
      {},
      silentLogger,
    );

  for (const c of cases) {
    it(c.name, async () => {
      store = newStore();
      const p = poller();
      pw.fault(c.fault, { match: c.match, times: c.times });
      const first = await p.poll(store.ctx);
      expect(Boolean(first.error)).toBe(c.fails);
      const second = await p.poll(store.ctx);
      expect(second.error).toBeUndefined();
      expectNoLossNoDup(store, 4);
      const seen = store.db.prepare('SELECT count(*) AS n FROM patchwork_events').get() as {
        n: number;
      };
      expect(seen.n).toBe(1);
    });
  }

  it('Patchwork down for the whole poll', async () => {
    store = newStore();
    const p = poller();
    pw.setDown(true);
    const down = await p.poll(store.ctx);
    pw.setDown(false);
    expect(down.error?.code).toBe('HTTP_FAILED');
    expect(store.counts().messages).toBe(0);
    expect((await p.poll(store.ctx)).error).toBeUndefined();
    expectNoLossNoDup(store, 4);
  });
});

describe('lore faults: nothing lost, nothing doubled', () => {
  let pi: PublicInbox;
  let proxy: HttpFaultProxy;
  let store: TestStore;
  beforeAll(async () => {
    pi = await startPublicInbox({ seedFiles: loreFiles('v2'), indexLevel: 'basic' });
    proxy = await startHttpFaultProxy(pi.url);
  });
  afterAll(async () => {
    await proxy?.stop();
    await pi?.stop();
  });
  afterEach(() => store?.close());
  const poller = () =>
    createLorePoller(
      LoreSource.parse({ url: `${proxy.base}/bpf/`, timeoutSeconds: 1, attempts: 2 }),
      silentLogger,
    );
  const loreCases: Case[] = [
    {
      name: 'HTTP 500 once (retried)',
      fault: { kind: 'status', status: 500 },
      match: /new\.atom/,
      times: 1,
      fails: false,
    },
    {
      name: 'HTTP 503 on every attempt',
      fault: { kind: 'status', status: 503 },
      match: /t\.mbox\.gz/,
      times: 2,
      fails: true,
    },
    {
      name: 'hung socket (timeout)',
      fault: { kind: 'hang' },
      match: /new\.atom/,
      times: 2,
      fails: true,
    },
    {
      name: 'connection reset mid-body',
      fault: { kind: 'reset' },
      match: /t\.mbox\.gz/,
      times: 2,
      fails: true,
    },
    { name: 'garbage XML', fault: { kind: 'garbage' }, match: /new\.atom/, times: 1, fails: true },
  ];
  it('a failing backfill search (inbox without Xapian: 501) does not stall the feed', async () => {
    store = newStore();
    store.db
      .prepare(
        "INSERT INTO cursors (source, value, updated_at) VALUES ('lore', '2024-01-01T00:00:00Z', 'x')",
      )
      .run();
    const r = await poller().poll(store.ctx);
    expect(r.error).toBeUndefined();
    expect(r.skipped.map((s) => s.reason)).toEqual([
      expect.stringMatching(/backfill search failed.*501/),
    ]);
    expectNoLossNoDup(store, 6);
  });

  for (const c of loreCases) {
    it(c.name, async () => {
      store = newStore();
      const p = poller();
      proxy.fault(c.fault, { match: c.match, times: c.times });
      const first: PollReport = await p.poll(store.ctx);
      expect(Boolean(first.error)).toBe(c.fails);
      expect((await p.poll(store.ctx)).error).toBeUndefined();
      expectNoLossNoDup(store, 6);
    });
  }
});
