import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PatchworkClient } from '../../src/sources/patchwork/client.js';
import { PwSeries } from '../../src/sources/patchwork/schema.js';
import { type PatchworkFake, startPatchworkFake } from '../helpers/patchwork-fake/index.js';

const Check = z.object({ id: z.number(), state: z.string(), context: z.string() });

describe('PatchworkClient against the fake', () => {
  let pw: PatchworkFake;
  beforeAll(async () => {
    pw = await startPatchworkFake();
  });
  afterAll(async () => pw?.stop());
  const client = (token?: string) =>
    new PatchworkClient({ apiUrl: pw.apiUrl, token, timeoutMs: 2000, attempts: 1 });

  it('POSTs a check with the token, to the slash URL, exactly once', async () => {
    const check = await client(pw.token).postJson(
      'patches/5/checks',
      { state: 'success', context: 'bpfci-build', target_url: 'https://ci.example.org/r/1' },
      Check,
    );
    expect(check).toMatchObject({ state: 'success', context: 'bpfci-build' });
    expect(pw.checkPosts).toHaveLength(1);
    expect(JSON.parse(pw.checkPosts[0]?.body ?? '')).toEqual({
      state: 'success',
      context: 'bpfci-build',
      target_url: 'https://ci.example.org/r/1',
    });
    const req = pw.requests.at(-1);
    expect(req?.headers.authorization).toBe(`Token ${pw.token}`);
  });

  it('403 is HTTP_AUTH (non-maintainer, bad token); a 400 is not retried', async () => {
    await expect(
      client(pw.outsiderToken).postJson('patches/5/checks/', { state: 'success' }, Check),
    ).rejects.toMatchObject({ code: 'HTTP_AUTH' });
    await expect(
      client('0'.repeat(40)).postJson('patches/5/checks/', { state: 'success' }, Check),
    ).rejects.toMatchObject({ code: 'HTTP_AUTH' });
    const n = pw.requests.length;
    await expect(
      client(pw.token).postJson('patches/5/checks/', { state: 'passed' }, Check),
    ).rejects.toMatchObject({ code: 'HTTP_REJECTED', retryable: false });
    expect(pw.requests.length).toBe(n + 1);
  });

  it('reads JSON objects, refuses HTML answers and follows no redirect', async () => {
    const { data } = await client().getJson('series/3', PwSeries);
    expect(data.cover_letter?.msgid).toBe('<20261124-bpf-foo-lookup-v3-0@example.org>');
    await expect(
      client().getJson('series/?since=2026-11-20T00:00:00Z', z.array(z.unknown())),
    ).rejects.toThrow();
    pw.fault({ kind: 'garbage', body: '<html>proxy error</html>', contentType: 'text/html' });
    await expect(client().getJson('series/3/', PwSeries)).rejects.toMatchObject({
      code: 'HTTP_BAD_RESPONSE',
    });
  });

  it('getAll follows Link rel=next across pages', async () => {
    const all = await client().getAll('series/', z.object({ id: z.number() }), {
      per_page: 1,
      project: 'netdevbpf',
    });
    expect(all.map((s) => s.id)).toEqual([1, 2, 3]);
  });
});
