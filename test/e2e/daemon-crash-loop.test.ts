import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open.js';
import {
  type DaemonSetup,
  daemonSetup,
  requireBuild,
  spawnCli,
  startSmtp,
} from '../helpers/daemon-cli.js';
import { until } from '../helpers/daemon-deps.js';
import { seedSeries, supersede } from '../helpers/daemon-state.js';

const KILLS = 22;

let smtp: Awaited<ReturnType<typeof startSmtp>>;
let setup: DaemonSetup;

beforeAll(async () => {
  requireBuild();
  smtp = await startSmtp();
  setup = daemonSetup({
    report: {
      baseUrl: 'http://127.0.0.1:8080',
      dryRun: false,
      email: {
        from: 'bpfci <bpfci@example.org>',
        smtp: { host: '127.0.0.1', port: smtp.port, tls: 'none' },
        policy: 'always',
      },
    },
    daemon: {
      minFreeDiskGb: 0,
      idleSeconds: 1,
      heartbeatSeconds: 1,
      outboxIntervalSeconds: 1,
      maxConcurrentBuilds: 2,
      maxConcurrentVms: 2,
      retry: { maxRecoveries: 1000 },
    },
  });
});

afterAll(async () => {
  await smtp?.close();
});

function random(min: number, max: number): number {
  return min + Math.random() * (max - min);
}

describe('e2e: daemon crash loop', () => {
  it(`survives ${KILLS} kill -9 with one verdict per series and no duplicate report`, async () => {
    const db = openDatabase(join(setup.stateDir, 'bpfci.sqlite'));
    const first: number[] = [];
    for (let i = 0; i < 10; i++)
      first.push(seedSeries(db, { total: 1 + (i % 4), treeTag: i % 3 ? 'bpf-next' : 'bpf' }));
    let superseded = 0;

    for (let kill = 0; kill < KILLS; kill++) {
      const daemon = spawnCli(setup, ['run']);
      // Mostly kill a running daemon at a random moment; sometimes one still starting up.
      if (kill % 5 !== 4) await until(() => daemon.stderr().includes('daemon started'), 60_000);
      await new Promise((r) => setTimeout(r, random(50, 1500)));
      daemon.child.kill('SIGKILL');
      expect(await daemon.exit).toBeNull();
      if (kill === 8) {
        // Mid-run: a v2 supersedes a v1 and new series arrive.
        const v1 = first[1] ?? 0;
        superseded = v1;
        supersede(db, v1, seedSeries(db, { version: 2, previousId: v1 }));
        seedSeries(db, { total: 2 });
        seedSeries(db, { total: 1, treeTag: 'bpf' });
      }
    }
    const once = spawnCli(setup, ['run', '--once']);
    expect(await once.exit, once.stderr().slice(-2000)).toBe(0);

    const series = db
      .prepare<[], { id: number; superseded_by: number | null }>(
        'SELECT id, superseded_by FROM series',
      )
      .all();
    const jobs = db
      .prepare<
        [],
        { series_id: number; state: string; verdict: string | null; recoveries: number; id: number }
      >('SELECT id, series_id, state, verdict, recoveries FROM jobs')
      .all();
    for (const s of series) {
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
    expect(superseded).toBeGreaterThan(0);
    // The kills really interrupted running jobs (which were then restarted).
    expect(jobs.reduce((n, j) => n + j.recoveries, 0)).toBeGreaterThan(0);

    const emails = db
      .prepare<[], { message_id: string; state: string; run_id: number; note: string | null }>(
        `SELECT message_id, state, run_id, note FROM outbox WHERE kind = 'email'`,
      )
      .all();
    const done = jobs.filter((j) => j.state === 'done');
    expect(emails.map((e) => e.run_id).sort()).toEqual(done.map((j) => j.id).sort());
    // No mail twice: every Message-ID reached the SMTP server at most once.
    expect(new Set(smtp.ids).size).toBe(smtp.ids.length);
    for (const e of emails) {
      const received = smtp.ids.filter((id) => id === e.message_id).length;
      if (e.state === 'sent') expect(received, e.message_id).toBe(1);
      else expect(e.state).toBe('failed'); // an interrupted send with no list lookup waits for a human
      expect(received).toBeLessThanOrEqual(1);
    }
    expect(emails.filter((e) => e.state === 'sent').length).toBeGreaterThan(0);
    const checks = db
      .prepare<[], { n: number; keys: number }>(
        `SELECT COUNT(*) AS n, COUNT(DISTINCT dedupe_key) AS keys FROM outbox WHERE kind = 'check'`,
      )
      .get();
    expect(checks?.n).toBe(checks?.keys);
    db.close();
  });
});
