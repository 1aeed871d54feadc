import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configOption } from '../../src/cli/common.js';
import { registerPoll } from '../../src/cli/poll.js';
import { registerSeries } from '../../src/cli/series.js';
import type { StoredSeries } from '../../src/series/types.js';
import type { PollReport } from '../../src/sources/types.js';
import { type Dovecot, startDovecot } from '../helpers/dovecot.js';
import { type PatchworkFake, startPatchworkFake } from '../helpers/patchwork-fake/index.js';
import { type PublicInbox, startPublicInbox } from '../helpers/public-inbox.js';
import { loreMails } from '../helpers/sources-store.js';

/** The v2 series re-rolled as vN: new Message-IDs and subjects, same patches. */
function variant(raws: Buffer[], version: number): Buffer[] {
  return raws.map((raw) =>
    Buffer.from(
      raw
        .toString()
        .replaceAll('.1714641300.', `.17146413${version}0.`)
        .replaceAll('bpf-next v2', `bpf-next v${version}`),
    ),
  );
}

/** Runs `bpfci <args>` in-process (the real command code) and returns its stdout. */
async function bpfci(
  configFile: string,
  ...args: string[]
): Promise<{ out: string; code: number }> {
  const program = new Command('bpfci').addOption(configOption()).exitOverride();
  registerPoll(program);
  registerSeries(program);
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += chunk.toString();
    return true;
  }) as typeof process.stdout.write;
  process.exitCode = 0;
  try {
    await program.parseAsync(['node', 'bpfci', '-c', configFile, ...args]);
  } finally {
    process.stdout.write = write;
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { out, code };
}

describe('bpfci poll: the same series through Patchwork, lore and IMAP is one series', () => {
  let pi: PublicInbox;
  let dc: Dovecot;
  let pw: PatchworkFake;
  let dir: string;
  let configFile: string;
  beforeAll(async () => {
    // One by one, so afterAll can stop whatever started if a later one fails.
    pw = await startPatchworkFake({ seed: 'empty' });
    dc = await startDovecot();
    pi = await startPublicInbox({ indexLevel: 'basic' });
    dir = mkdtempSync(join(tmpdir(), 'bpfci-together-'));
    configFile = join(dir, 'bpfci.yaml');
    process.env.BPFCI_TEST_IMAP_PASSWORD = 'secret';
    process.env.BPFCI_LOG_LEVEL = 'silent';
    writeFileSync(
      configFile,
      [
        'version: 1',
        `state: { dir: ${join(dir, 'state')} }`,
        'sources:',
        `  patchwork: { url: "${pw.apiUrl}", project: netdevbpf, timeoutSeconds: 1, attempts: 2 }`,
        `  lore: { url: "${pi.url}", timeoutSeconds: 5 }`,
        `  imap: { host: 127.0.0.1, port: ${dc.port}, tls: none, user: bot, passwordEnv: BPFCI_TEST_IMAP_PASSWORD, mailbox: Lists/bpf }`,
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await Promise.all([pi?.stop(), dc?.stop(), pw?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const seriesList = async (): Promise<StoredSeries[]> =>
    JSON.parse((await bpfci(configFile, 'series', 'list', '--json')).out);
  const poll = async (...extra: string[]): Promise<PollReport[]> =>
    JSON.parse((await bpfci(configFile, 'poll', '--json', ...extra)).out);

  it('idle: one request per source', async () => {
    const reports = await poll();
    expect(reports.map((r) => [r.source, r.requests, r.error])).toEqual([
      ['patchwork', 1, undefined],
      ['lore', 1, undefined],
      ['imap', 1, undefined],
    ]);
  });

  it('Patchwork down: the series still arrives complete through lore and IMAP; back up, its ids attach', async () => {
    const v2 = loreMails('v2');
    await pi.importMails(v2);
    for (const raw of v2) await dc.append(raw, { mailbox: 'Lists/bpf' });
    const [cover, ...patches] = loreMails('v2-series');
    const added = pw.addSeries({ cover, patches });
    pw.setDown(true);
    const down = await poll();
    pw.setDown(false);
    expect(down.find((r) => r.source === 'patchwork')?.error?.code).toBe('HTTP_FAILED');
    const before = await seriesList();
    expect(before).toHaveLength(1);
    expect(before[0]).toMatchObject({ complete: true, total: 3 });
    expect(before[0]?.patchworkId).toBeUndefined();

    const back = await poll('--source', 'patchwork');
    expect(back[0]).toMatchObject({ source: 'patchwork', stored: [], attached: [before[0]?.id] });
    const after = await seriesList();
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: before[0]?.id, patchworkId: added.seriesId });
    expect(after[0]?.patches.map((p) => p.patchworkId)).toEqual(added.patchIds);
  });

  it('a new series from each source alone shows up complete after one bpfci poll', async () => {
    // Patchwork only: the v3 series exists nowhere else yet.
    const [cover, ...patches] = loreMails('v3');
    const added = pw.addSeries({ cover, patches });
    const r = await poll();
    expect(r.find((x) => x.source === 'patchwork')?.stored).toHaveLength(4);
    const v3 = (await seriesList()).find((s) => s.version === 3);
    expect(v3).toMatchObject({ complete: true, patchworkId: added.seriesId });
    // Now the same mail reaches lore and IMAP: nothing new, nothing doubled.
    await pi.importMails(loreMails('v3'));
    for (const raw of loreMails('v3')) await dc.append(raw, { mailbox: 'Lists/bpf' });
    const again = await poll();
    expect(again.every((x) => x.stored.length === 0 && x.rejected === 0 && !x.error)).toBe(true);
    expect(await seriesList()).toHaveLength(2);
  });

  it('a series only lore has, and one only the IMAP mailbox has, each arrive with one poll', async () => {
    await pi.importMails(variant(loreMails('v2-series'), 4));
    for (const raw of variant(loreMails('v2-series'), 5))
      await dc.append(raw, { mailbox: 'Lists/bpf' });
    const r = await poll();
    expect(r.map((x) => [x.source, x.stored.length])).toEqual([
      ['patchwork', 0],
      ['lore', 4],
      ['imap', 4],
    ]);
    const list = await seriesList();
    expect(list.filter((s) => s.version >= 4).map((s) => [s.version, s.complete])).toEqual([
      [5, true],
      [4, true],
    ]);
  });

  it('--source names an unconfigured source: usage error', async () => {
    expect((await bpfci(configFile, 'poll', '--source', 'nntp')).code).toBe(64);
  });
});
