import { chmodSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open.js';
import { cacheRoot, prepareKernelTree } from '../../src/pipeline/build/base-tree.js';
import type { Verdict } from '../../src/pipeline/types.js';
import { daemonSetup, requireBuild, spawnCli, startSmtp } from '../helpers/daemon-cli.js';
import { KERNEL_SERIES_DIR } from '../helpers/kernel-series.js';
import { type PatchworkFake, startPatchworkFake } from '../helpers/patchwork-fake/index.js';
import { type PublicInbox, startPublicInbox } from '../helpers/public-inbox.js';

/**
 * The whole mission on the real thing: Debian's linux-source-6.1 as the lane's tree,
 * two series written for it posted to a real public-inbox and to the Patchwork fake,
 * `bpfci run --once` with the real pipeline (git am, sandboxed make of the minimal
 * profile, test_verifier built against it, QEMU under TCG), the judge, and the
 * reports to an in-process SMTP server and the fake. The good series passes; the bad
 * one fails test_verifier's `add+sub+mul`, blamed on patch 2 by bisection.
 */
let pi: PublicInbox;
let pw: PatchworkFake;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let repo: string;

beforeAll(async () => {
  requireBuild();
  repo = await prepareKernelTree(cacheRoot());
  pi = await startPublicInbox({ indexLevel: 'basic' });
  pw = await startPatchworkFake({ seed: 'empty' });
  smtp = await startSmtp();
}, 1_800_000);

afterAll(async () => {
  await pi?.stop();
  await pw?.stop();
  await smtp?.close();
});

/** The series' mails as the list would carry them (without git's mbox From_ line). */
function mails(name: 'good' | 'bad'): Buffer[] {
  const dir = join(KERNEL_SERIES_DIR, name);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.patch'))
    .sort()
    .map((f) =>
      Buffer.from(readFileSync(join(dir, f), 'utf8').replace(/^From [0-9a-f]{40} .*\n/, '')),
    );
}

async function post(name: 'good' | 'bad'): Promise<number[]> {
  const [cover, ...patches] = mails(name);
  await pi.importMails([cover as Buffer, ...patches]);
  return pw.addSeries({ cover, patches, delegate: 'ci-bot' }).patchIds;
}

function messageId(raw: Buffer): string | undefined {
  return /^Message-Id:\s*(<[^>]+>)/im.exec(raw.toString())?.[1];
}

describe('e2e: a real kernel series through bpfci run --once', () => {
  it('passes the good series and blames patch 2 of the bad one', async () => {
    const setup = daemonSetup({
      trees: { 'bpf-next': { upstream: repo, branch: 'master' } },
      routing: { default: 'bpf-next', tags: { 'bpf-next': 'bpf-next' } },
      sources: {
        lore: { url: pi.url, intervalSeconds: 60, timeoutSeconds: 30 },
        patchwork: { url: pw.apiUrl, project: 'netdevbpf', tokenEnv: 'PW_TOKEN' },
      },
      build: { profile: 'minimal', ccacheDir: join(cacheRoot(), 'ccache') },
      vm: { cpus: 2, memoryMb: 2048, suiteTimeoutSeconds: 900 },
      suites: [{ name: 'test_verifier', kind: 'test_verifier' }],
      judge: { reruns: 1 },
      report: {
        baseUrl: 'http://127.0.0.1:8080',
        dryRun: false,
        email: {
          from: 'bpfci <bpfci@example.org>',
          smtp: { host: '127.0.0.1', port: smtp.port, tls: 'none' },
          policy: 'always',
        },
      },
      daemon: { minFreeDiskGb: 0 },
    });
    // Run as root, the build drops to an unprivileged uid that must reach the lane.
    chmodSync(setup.dir, 0o755);
    const env = { BPFCI_TEST_PIPELINE: '', PW_TOKEN: pw.token };
    const db = openDatabase(join(setup.stateDir, 'bpfci.sqlite'));
    const verdictOf = (seriesId: number): Verdict =>
      JSON.parse(
        db
          .prepare<[number], { v: string }>(
            'SELECT verdict_json AS v FROM jobs WHERE series_id = ?',
          )
          .get(seriesId)?.v ?? 'null',
      );
    const seriesIds = () =>
      db
        .prepare<[], { id: number }>('SELECT id FROM series ORDER BY id')
        .all()
        .map((r) => r.id);

    const goodPatches = await post('good');
    const first = spawnCli(setup, ['run', '--once'], env);
    expect(await first.exit, first.stderr().slice(-4000)).toBe(0);
    const [good] = seriesIds();
    const goodVerdict = verdictOf(good as number);
    expect(goodVerdict.verdict, goodVerdict.summary).toBe('success');
    expect(goodVerdict.failures.filter((f) => f.class === 'new')).toEqual([]);
    const finalGood = pw.checkPosts.filter(
      (p) => goodPatches.includes(p.patchId) && !p.body.includes('pending'),
    );
    expect(finalGood.length).toBeGreaterThan(0);
    expect(finalGood.every((p) => p.body.includes('success'))).toBe(true);

    const badMails = mails('bad');
    await post('bad');
    const second = spawnCli(setup, ['run', '--once'], env);
    expect(await second.exit, second.stderr().slice(-4000)).toBe(0);
    const bad = seriesIds().find((id) => id !== good) as number;
    const badVerdict = verdictOf(bad);
    expect(badVerdict.verdict).toBe('failure');
    expect(badVerdict.guiltyPatch).toBe(2);
    const fresh = badVerdict.failures.filter((f) => f.class === 'new');
    expect(fresh.map((f) => [f.suite, f.name, f.guiltyPatch])).toEqual([
      ['test_verifier', 'add+sub+mul [p]', 2],
    ]);
    // Bisection of 3 patches costs at most ceil(log2 3) = 2 extra runs beyond the reruns.
    expect(badVerdict.extraRuns).toBeLessThanOrEqual(2 + 1 + 1);

    // One baseline for the shared base, both replies threaded, the bad one on patch 2.
    const baselines = db.prepare("SELECT COUNT(*) AS n FROM runs WHERE kind = 'baseline'").get();
    expect(baselines).toEqual({ n: 1 });
    expect(smtp.ids).toHaveLength(2);
    const reply = db
      .prepare<[number], { payload: string }>(
        "SELECT payload FROM outbox WHERE kind = 'email' AND series_id = ?",
      )
      .get(bad);
    const email = JSON.parse(reply?.payload ?? '{}');
    expect(email.inReplyTo).toBe(messageId(badMails[2] as Buffer));
    expect(email.text).toContain('add+sub+mul');
    db.close();
  });
});
