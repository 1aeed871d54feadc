import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open.js';
import {
  daemonSetup,
  mailEveryVerdict,
  requireBuild,
  spawnCli,
  startSmtp,
} from '../helpers/daemon-cli.js';
import { until } from '../helpers/daemon-deps.js';
import { LORE_MAILS, type PublicInbox, startPublicInbox } from '../helpers/public-inbox.js';

let pi: PublicInbox;
let smtp: Awaited<ReturnType<typeof startSmtp>>;

beforeAll(async () => {
  requireBuild();
  pi = await startPublicInbox({
    seedFiles: [
      '0000-cover-letter.eml',
      '0001-bpf-reject-oversized.eml',
      '0002-bpf-return-consumed-size.eml',
      '0003-selftests-bpf-add-tests.eml',
    ].map((f) => join(LORE_MAILS, f)),
  });
  smtp = await startSmtp();
});

afterAll(async () => {
  await pi?.stop();
  await smtp?.close();
});

describe('e2e: bpfci run --once against a real public-inbox', () => {
  it('polls lore, tests the series, replies in its thread, serves the run page; v3 supersedes v2', async () => {
    const setup = daemonSetup({
      sources: { lore: { url: pi.url, intervalSeconds: 60, timeoutSeconds: 10 } },
      report: mailEveryVerdict(smtp.port),
      daemon: { minFreeDiskGb: 0, idleSeconds: 1 },
    });

    const first = spawnCli(setup, ['run', '--once']);
    expect(await first.exit, first.stderr().slice(-3000)).toBe(0);
    expect(JSON.parse(first.stdout())).toMatchObject({
      polled: [{ source: 'lore', ok: true }],
      jobs: { done: 1 },
    });
    expect(smtp.ids).toHaveLength(1);

    const db = openDatabase(join(setup.stateDir, 'bpfci.sqlite'));
    const v2 = db
      .prepare<[], { id: number; version: number }>('SELECT id, version FROM series')
      .get();
    expect(v2?.version).toBe(2);
    const outbox = db
      .prepare<[], { payload: string; state: string }>(
        `SELECT payload, state FROM outbox WHERE kind = 'email'`,
      )
      .get();
    expect(outbox?.state).toBe('sent');
    const cover = readFileSync(join(LORE_MAILS, '0000-cover-letter.eml'), 'utf8').match(
      /^Message-ID:\s*(<[^>]+>)/im,
    )?.[1];
    expect(JSON.parse(outbox?.payload ?? '{}').inReplyTo).toBe(cover);

    for (const f of ['v3-0000-cover-letter.eml', 'v3-0001-bpf-reject-oversized.eml']) {
      await pi.deliver(readFileSync(join(LORE_MAILS, f)));
    }
    const rest = (await import('node:fs'))
      .readdirSync(LORE_MAILS)
      .filter((f) => /^v3-000[2-9]/.test(f));
    for (const f of rest) await pi.deliver(readFileSync(join(LORE_MAILS, f)));
    const second = spawnCli(setup, ['run', '--once']);
    expect(await second.exit, second.stderr().slice(-3000)).toBe(0);

    const jobs = db
      .prepare<[], { series_id: number; state: string; version: number }>(
        'SELECT j.series_id, j.state, s.version FROM jobs j JOIN series s ON s.id = j.series_id ORDER BY s.version',
      )
      .all();
    expect(jobs.map((j) => [j.version, j.state])).toEqual([
      [2, 'done'],
      [3, 'done'],
    ]);
    expect(new Set(smtp.ids).size).toBe(2);

    const serve = spawnCli(setup, ['serve', '--port', '0']);
    await until(() => serve.stdout().includes('listening on'), 60_000);
    const url = serve.stdout().match(/listening on (\S+)/)?.[1];
    const page = await (await fetch(`${url}/runs/2`)).text();
    const api = (await (await fetch(`${url}/api/series/${jobs[1]?.series_id}`)).json()) as {
      revisions: unknown[];
    };
    serve.child.kill('SIGTERM');
    await serve.exit;
    expect(page).toContain('Run 2');
    expect(page).toMatch(/class="v-(success|failure)"/);
    expect(api.revisions).toHaveLength(2);
    db.close();
  });
});
