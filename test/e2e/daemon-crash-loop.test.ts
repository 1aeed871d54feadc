import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open.js';
import {
  type DaemonSetup,
  daemonSetup,
  mailEveryVerdict,
  requireBuild,
  spawnCli,
  startSmtp,
} from '../helpers/daemon-cli.js';
import { until } from '../helpers/daemon-deps.js';
import { series } from '../helpers/mail-builder.js';
import { type PatchworkFake, startPatchworkFake } from '../helpers/patchwork-fake/index.js';

const KILLS = 22;

let smtp: Awaited<ReturnType<typeof startSmtp>>;
let pw: PatchworkFake;
let setup: DaemonSetup;

beforeAll(async () => {
  requireBuild();
  smtp = await startSmtp();
  pw = await startPatchworkFake({ seed: 'empty' });
  setup = daemonSetup(
    {
      sources: { patchwork: pw.sourceConfig },
      report: mailEveryVerdict(smtp.port),
      daemon: {
        minFreeDiskGb: 0,
        idleSeconds: 1,
        heartbeatSeconds: 1,
        outboxIntervalSeconds: 1,
        maxConcurrentBuilds: 2,
        maxConcurrentVms: 2,
        retry: { maxRecoveries: 1000 },
      },
      // Jobs long enough that most kills land while one runs.
    },
    `['sleep', (0.5 + Math.random() * 2).toFixed(2)]`,
  );
});

afterAll(async () => {
  await smtp?.close();
  await pw?.stop();
});

function random(min: number, max: number): number {
  return min + Math.random() * (max - min);
}

function post(body: string, contentType: string): { state?: string; context?: string } {
  return contentType.startsWith('application/json')
    ? (JSON.parse(body) as { state?: string; context?: string })
    : Object.fromEntries(new URLSearchParams(body));
}

function addSeries(tag: string, version: number, n: number): void {
  const [cover, ...patches] = series(tag, version, n);
  pw.addSeries({ cover, patches });
}

describe('e2e: daemon crash loop', () => {
  it(`survives ${KILLS} kill -9: one verdict per series, no duplicate mail or check`, async () => {
    const env = { PW_TOKEN: pw.token };
    for (let i = 0; i < 8; i++) addSeries(`s${i}`, 1, 1 + (i % 3));

    for (let kill = 0; kill < KILLS; kill++) {
      const daemon = spawnCli(setup, ['run'], env);
      // Mostly kill a running daemon at a random moment; sometimes one still starting up.
      if (kill % 5 !== 4) await until(() => daemon.stderr().includes('daemon started'), 60_000);
      await new Promise((r) => setTimeout(r, random(300, 6000)));
      daemon.child.kill('SIGKILL');
      expect(await daemon.exit).toBeNull();
      // Mid-run: a v2 of s1 and new series arrive on Patchwork.
      if (kill === 8) {
        addSeries('s1', 2, 2);
        addSeries('late', 1, 2);
      }
    }
    const once = spawnCli(setup, ['run', '--once'], env);
    expect(await once.exit, once.stderr().slice(-2000)).toBe(0);

    const db = openDatabase(join(setup.stateDir, 'bpfci.sqlite'));
    const all = db
      .prepare<[], { id: number; superseded_by: number | null }>(
        'SELECT id, superseded_by FROM series',
      )
      .all();
    expect(all).toHaveLength(10);
    expect(all.filter((s) => s.superseded_by !== null)).toHaveLength(1);
    const jobs = db
      .prepare<
        [],
        { id: number; series_id: number; state: string; verdict: string | null; recoveries: number }
      >('SELECT id, series_id, state, verdict, recoveries FROM jobs')
      .all();
    for (const s of all) {
      const mine = jobs.filter((j) => j.series_id === s.id);
      if (s.superseded_by === null) {
        expect(mine, `series ${s.id}`).toHaveLength(1);
        expect(mine[0]?.state, `series ${s.id}`).toBe('done');
        expect(mine[0]?.verdict).toMatch(/^(success|failure)$/);
      } else {
        // Superseded: tested before v2 came, cancelled, or never queued at all.
        expect(mine.length).toBeLessThanOrEqual(1);
        if (mine[0]) expect(['done', 'cancelled']).toContain(mine[0].state);
      }
    }
    // The kills really interrupted running jobs (which were then restarted).
    expect(jobs.reduce((n, j) => n + j.recoveries, 0)).toBeGreaterThan(0);

    const emails = db
      .prepare<[], { message_id: string; state: string; run_id: number }>(
        `SELECT message_id, state, run_id FROM outbox WHERE kind = 'email'`,
      )
      .all();
    const done = jobs.filter((j) => j.state === 'done');
    expect(emails.map((e) => e.run_id).sort()).toEqual(done.map((j) => j.id).sort());
    // No mail twice: every Message-ID reached the SMTP server at most once.
    expect(new Set(smtp.ids).size).toBe(smtp.ids.length);
    for (const e of emails) {
      const received = smtp.ids.filter((id) => id === e.message_id).length;
      // An interrupted send with no list lookup configured waits for a human: failed, not resent.
      expect(e.state === 'sent' ? received === 1 : e.state === 'failed' && received <= 1).toBe(
        true,
      );
    }
    expect(emails.filter((e) => e.state === 'sent').length).toBeGreaterThan(0);

    // No check twice: each (patch, context, state) accepted by Patchwork at most once.
    const accepted = pw.checkPosts
      .filter((p) => p.status < 300)
      .map((p) => {
        const b = post(p.body, p.contentType);
        return `${p.patchId} ${b.context} ${b.state}`;
      });
    expect(accepted.length).toBeGreaterThan(0);
    expect(new Set(accepted).size).toBe(accepted.length);
    const finals = db
      .prepare<[], { n: number }>(
        `SELECT COUNT(*) AS n FROM outbox WHERE kind = 'check' AND state NOT IN ('sent', 'skipped', 'failed')`,
      )
      .get();
    expect(finals?.n).toBe(0);
    db.close();
  });
});
