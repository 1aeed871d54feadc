import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PW_FIXTURES, recordedJson, recordedText } from '../../src/lab/patchwork-fake/fixtures.js';
import { type PatchworkFake, startPatchworkFake } from '../helpers/patchwork-fake/index.js';
import { LORE_MAILS } from '../helpers/public-inbox.js';

// biome-ignore lint/suspicious/noExplicitAny: responses are compared with recorded JSON
type Loose = any;
const loose = (v: unknown): Loose => v;

function recordedLink(file: string, base: string): string | undefined {
  const text = readFileSync(join(PW_FIXTURES, file), 'utf8');
  return /^Link: (.*)$/m.exec(text)?.[1]?.split('https://patchwork.example.org').join(base);
}

describe('startPatchworkFake (recorded state)', () => {
  let pw: PatchworkFake;
  beforeAll(async () => {
    pw = await startPatchworkFake();
  });
  afterAll(async () => pw?.stop());
  const get = (path: string, init: RequestInit = {}) =>
    fetch(`${pw.base}${path}`, { redirect: 'manual', ...init });

  it('replays the recorded events list with its Link header', async () => {
    const res = await get('/api/1.2/events/?category=series-completed');
    expect(await res.json().then(loose)).toEqual(
      recordedJson('events/series-completed.json', pw.base),
    );
    expect(res.headers.get('link')).toBe(
      recordedLink('events/series-completed.headers.txt', pw.base),
    );
  });

  it('paginates like Patchwork: sorted keys, prev without page=, 404 past the end', async () => {
    const res = await get('/api/1.2/series/?project=netdevbpf&order=-id&per_page=1&page=2');
    expect(res.headers.get('link')).toBe(
      recordedLink('pagination/series-per_page-1-page-2.headers.txt', pw.base),
    );
    expect(await res.json().then(loose)).toEqual(
      recordedJson('pagination/series-per_page-1-page-2.json', pw.base),
    );
    const past = await get('/api/1.2/series/?per_page=1&page=99');
    expect(past.status).toBe(404);
    expect(await past.json().then(loose)).toEqual({ detail: 'Invalid page.' });
  });

  it('answers 301 to a missing slash, for POST too, and creates nothing', async () => {
    const g = await get('/api/1.2/series/3');
    expect([g.status, g.headers.get('location')]).toEqual([301, '/api/1.2/series/3/']);
    const p = await get('/api/1.2/patches/5/checks', {
      method: 'POST',
      headers: { Authorization: `Token ${pw.token}`, 'Content-Type': 'application/json' },
      body: '{"state": "success", "context": "build"}',
    });
    expect(p.status).toBe(301);
    expect(pw.checkPosts).toHaveLength(0);
  });

  it('dates: naive works, Z is a 500 HTML page, date-only is a silent []', async () => {
    const z = await get('/api/1.2/series/?project=netdevbpf&since=2026-11-20T00:00:00Z');
    expect(z.status).toBe(500);
    expect(z.headers.get('content-type')).toBe('text/html');
    const d = await get('/api/1.2/series/?project=netdevbpf&since=2026-11-20');
    expect(await d.json().then(loose)).toEqual([]);
    const since = await get(
      '/api/1.2/events/?project=netdevbpf&category=series-completed&since=2026-11-25T09:51:14.185579',
    );
    expect((await since.json().then(loose)).map((e: { id: number }) => e.id)).toEqual([23, 13]);
    const bogus = await get('/api/1.2/events/?category=bogus');
    expect(await bogus.json().then(loose)).toEqual([]);
  });

  it('403 for a bad token even on GET; 403 for a non-maintainer POST', async () => {
    const bad = await get('/api/1.2/series/3/', {
      headers: { Authorization: `Token ${'0'.repeat(40)}` },
    });
    expect([bad.status, await bad.json().then(loose)]).toEqual([403, { detail: 'Invalid token.' }]);
    const out = await get('/api/1.2/patches/5/checks/', {
      method: 'POST',
      headers: { Authorization: `Token ${pw.outsiderToken}`, 'Content-Type': 'application/json' },
      body: '{"state": "success", "context": "build"}',
    });
    expect(out.status).toBe(403);
  });

  it('records check POSTs, validates them and combines states into `check`', async () => {
    expect((await (await get('/api/1.2/patches/5/')).json().then(loose)).check).toBe(
      recordedJson<{ check: string }>('patches/detail-5-check-warning.json', pw.base).check,
    );
    const post = (body: string, type = 'application/json') =>
      get('/api/1.2/patches/7/checks/', {
        method: 'POST',
        headers: { Authorization: `Token ${pw.token}`, 'Content-Type': type },
        body,
      });
    const bad = await post('{"context": "bpf-ci/build", "state": "success"}');
    expect(bad.status).toBe(400);
    expect(Object.keys(await bad.json().then(loose))).toEqual(['context']);
    const ok = await post('state=fail&context=bpfci-build', 'application/x-www-form-urlencoded');
    expect(ok.status).toBe(201);
    const created = await ok.json().then(loose);
    expect(ok.headers.get('location')).toBe(created.url);
    expect((await (await get('/api/1.2/patches/7/')).json().then(loose)).check).toBe('fail');
    expect(pw.checkPosts.at(-1)).toMatchObject({
      patchId: 7,
      body: 'state=fail&context=bpfci-build',
      status: 201,
      user: 'ci-bot',
    });
  });

  it('serves the recorded mboxes; series 3 leaves out the cover', async () => {
    const mbox = await (await get('/series/3/mbox/')).text();
    expect(mbox).toBe(recordedText('mbox/series-3.mbox', pw.base));
    expect(mbox).not.toContain('Message-Id: <20261124-bpf-foo-lookup-v3-0@example.org>');
  });
});

describe('startPatchworkFake (empty + addSeries + faults)', () => {
  let pw: PatchworkFake;
  beforeAll(async () => {
    pw = await startPatchworkFake({ seed: 'empty' });
  });
  afterAll(async () => pw?.stop());

  it('adds a series from mail: objects, mboxes and a series-completed event', async () => {
    const mail = (f: string) => readFileSync(join(LORE_MAILS, f));
    const added = pw.addSeries({
      cover: mail('0000-cover-letter.eml'),
      patches: [
        '0001-bpf-reject-oversized.eml',
        '0002-bpf-return-consumed-size.eml',
        '0003-selftests-bpf-add-tests.eml',
      ].map(mail),
      delegate: 'ci-bot',
    });
    expect(added).toMatchObject({ seriesId: 1, patchIds: [1, 2, 3], coverId: 1 });
    const events = await (await fetch(`${pw.apiUrl}events/?category=series-completed`))
      .json()
      .then(loose);
    expect(events.map((e: { payload: { series: { id: number } } }) => e.payload.series.id)).toEqual(
      [1],
    );
    const series = await (await fetch(`${pw.apiUrl}series/1/`)).json().then(loose);
    expect(series).toMatchObject({
      version: 2,
      total: 3,
      received_all: true,
      name: expect.stringContaining('bpf'),
    });
    const mbox = await (await fetch(series.mbox)).text();
    expect(mbox.match(/^From patchwork /gm)).toHaveLength(3);
    expect(mbox).toContain('X-Patchwork-Id: 1\n');
    const cover = await (await fetch(series.cover_letter.mbox)).text();
    expect(cover).toContain('Message-Id: <cover.1714641300.git.alice@example.com>');
  });

  it('injects faults, then serves normally again', async () => {
    pw.fault({ kind: 'status', status: 503 });
    expect((await fetch(`${pw.apiUrl}series/1/`)).status).toBe(503);
    pw.fault({ kind: 'reset' });
    await expect(fetch(`${pw.apiUrl}series/1/`).then((r) => r.text())).rejects.toThrow();
    pw.setDown(true);
    await expect(fetch(`${pw.apiUrl}series/1/`)).rejects.toThrow();
    pw.setDown(false);
    expect((await fetch(`${pw.apiUrl}series/1/`)).status).toBe(200);
  });
});
