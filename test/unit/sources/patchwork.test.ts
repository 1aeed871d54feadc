import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../src/sources/http.js';
import { nextLink, PatchworkClient } from '../../../src/sources/patchwork/client.js';
import { filterSeries, seriesDelegate } from '../../../src/sources/patchwork/filters.js';
import { naiveUtc } from '../../../src/sources/patchwork/poller.js';
import type { PwPatch, PwSeries } from '../../../src/sources/patchwork/schema.js';
import { rawMessageId } from '../../../src/sources/raw-message-id.js';

describe('PatchworkClient.url', () => {
  const c = new PatchworkClient({ apiUrl: 'https://pw.example.org/api/1.2', timeoutMs: 1000 });
  it('always ends the path in a slash (a 301 would turn a POST into a GET)', () => {
    expect(c.url('patches/5/checks')).toBe('https://pw.example.org/api/1.2/patches/5/checks/');
    expect(c.url('events/', { project: 'netdevbpf', series: ['1', '2'], skip: undefined })).toBe(
      'https://pw.example.org/api/1.2/events/?project=netdevbpf&series=1&series=2',
    );
    expect(c.url('https://pw.example.org/series/3/mbox')).toBe(
      'https://pw.example.org/series/3/mbox/',
    );
  });
  it('is read-only without a token', async () => {
    expect(c.readOnly).toBe(true);
    await expect(c.postJson('patches/5/checks/', { state: 'success' }, PwPatchAny)).rejects.toThrow(
      /read-only/,
    );
  });
});

const PwPatchAny = { safeParse: (v: unknown) => ({ success: true, data: v }) } as never;

describe('nextLink', () => {
  it('takes rel="next" verbatim from a recorded Link header', () => {
    const h =
      '<https://p/api/1.2/series/?order=-id&page=3&per_page=1&project=netdevbpf>; rel="next", <https://p/api/1.2/series/?order=-id&per_page=1&project=netdevbpf>; rel="prev", <https://p/api/1.2/series/?order=-id&page=1&per_page=1&project=netdevbpf>; rel="first"';
    expect(nextLink(h)).toBe(
      'https://p/api/1.2/series/?order=-id&page=3&per_page=1&project=netdevbpf',
    );
    expect(
      nextLink('<https://p/x/?page=1>; rel="first", <https://p/x/?page=1>; rel="last"'),
    ).toBeUndefined();
    expect(nextLink(null)).toBeUndefined();
  });
});

describe('naiveUtc', () => {
  it('drops the Z (Patchwork on SQLite answers 500 to aware datetimes)', () => {
    expect(naiveUtc(new Date('2026-11-25T09:51:18.389Z'))).toBe('2026-11-25T09:51:18.389');
  });
});

describe('filterSeries', () => {
  const series = {
    project: { id: 1, link_name: 'netdevbpf' },
    received_all: true,
  } as PwSeries;
  const patch = (state: string, delegate?: string): PwPatch => ({
    id: 1,
    msgid: '<a@b>',
    state,
    archived: false,
    delegate: delegate ? { id: 7, username: delegate } : null,
  });
  const cfg = { project: 'netdevbpf', ignoreStates: ['superseded', 'accepted'], delegates: [] };
  it('keeps a new series and skips ignored states, other projects, other delegates', () => {
    expect(filterSeries(series, [patch('new')], cfg)).toBeUndefined();
    expect(filterSeries(series, [patch('superseded'), patch('accepted')], cfg)).toMatch(/ignored/);
    expect(filterSeries(series, [patch('superseded'), patch('new')], cfg)).toBeUndefined();
    expect(filterSeries(series, [patch('new')], { ...cfg, project: 'other' })).toMatch(/project/);
    expect(
      filterSeries(series, [patch('new', 'bpf')], { ...cfg, delegates: ['bpf'] }),
    ).toBeUndefined();
    expect(
      filterSeries(series, [patch('new', 'bpf')], { ...cfg, delegates: ['7'] }),
    ).toBeUndefined();
    expect(filterSeries(series, [patch('new', 'netdev')], { ...cfg, delegates: ['bpf'] })).toMatch(
      /delegate/,
    );
    expect(filterSeries({ ...series, received_all: false }, [patch('new')], cfg)).toBe(
      'incomplete',
    );
  });

  it('routes by the delegate the filter admitted, else by the first one set', () => {
    const mixed = [patch('new'), patch('new', 'netdev'), patch('new', 'bpf')];
    expect(seriesDelegate(mixed, ['bpf'])).toBe('bpf');
    expect(seriesDelegate(mixed)).toBe('netdev');
    expect(seriesDelegate([patch('new')])).toBeUndefined();
  });
});

describe('backoffDelay', () => {
  it('doubles per retry with ±50 % jitter', () => {
    expect(backoffDelay(1, 100, () => 0)).toBe(50);
    expect(backoffDelay(1, 100, () => 1)).toBe(150);
    expect(backoffDelay(3, 100, () => 0.5)).toBe(400);
  });
});

describe('rawMessageId', () => {
  it('reads a folded Message-ID from the header block only', () => {
    const raw = Buffer.from(
      'Subject: x\r\nMessage-ID:\r\n <a.b@c>\r\n\r\nMessage-ID: <body@x>\r\n',
    );
    expect(rawMessageId(raw)).toBe('a.b@c');
    expect(rawMessageId(Buffer.from('Subject: x\n\nMessage-ID: <body@x>\n'))).toBe('');
  });
});
