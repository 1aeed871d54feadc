import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../src/db/open.js';
import { mailEveryVerdict, requireBuild, startSmtp } from '../helpers/daemon-cli.js';
import { pidAlive, until } from '../helpers/daemon-deps.js';
import { type FleetLab, fleetLab, type LabProcess, logged } from '../helpers/fleet.js';
import { freePort } from '../helpers/free-port.js';
import { series } from '../helpers/mail-builder.js';
import { type PatchworkFake, startPatchworkFake } from '../helpers/patchwork-fake/index.js';
import { type Postgres, startPostgres } from '../helpers/postgres.js';

/**
 * The fleet for real: PostgreSQL on loopback (as nobody, password auth), a coordinator
 * fed by the Patchwork fake that mails and posts checks, and two worker processes with
 * their own state dirs: `wa` keeps `bpf` warm, `wb` keeps `bpf-next` warm.
 */
let pgsql: Postgres;
let pw: PatchworkFake;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let lab: FleetLab;
let coordinator: LabProcess;
let workers: Record<string, LabProcess>;
let db: Db;

beforeAll(async () => {
  requireBuild();
  pgsql = await startPostgres(await freePort());
  pw = await startPatchworkFake({ seed: 'empty' });
  smtp = await startSmtp();
  lab = fleetLab({
    engineUrl: pgsql.url,
    apiPort: await freePort(),
    workers: { wa: ['bpf'], wb: ['bpf-next'] },
    coordinator: {
      sources: { patchwork: pw.sourceConfig },
      report: mailEveryVerdict(smtp.port),
    },
  });
  ({ coordinator, workers } = await lab.start({ PW_TOKEN: pw.token }));
  db = openDatabase(join(lab.home('coordinator').stateDir, 'bpfci.sqlite'));
  // Both workers have reported in: from here on, the coordinator knows who is warm for what.
  await until(() => db.prepare('SELECT COUNT(*) FROM fleet_workers').pluck().get() === 2, 30_000);
});

afterAll(async () => {
  await lab?.stop();
  db?.close();
  await smtp?.close();
  await pw?.stop();
  await pgsql?.stop();
});

function post(tag: string, tree: string, opts: { version?: number; n?: number } = {}) {
  const [cover, ...patches] = series(tag, opts.version ?? 1, opts.n ?? 1, { tree });
  return pw.addSeries({ cover, patches });
}

interface JobRow {
  id: number;
  state: string;
  verdict: string | null;
  name: string;
}
const jobOf = (tag: string, version = 1): JobRow | undefined =>
  db
    .prepare<[string, number], JobRow>(
      `SELECT j.id, j.state, j.verdict, s.name FROM jobs j JOIN series s ON s.id = j.series_id
       WHERE s.name LIKE '%' || ? || '%' AND s.version = ? ORDER BY j.id DESC`,
    )
    .get(tag, version);
const doneJob = async (tag: string, version = 1, ms = 60_000): Promise<JobRow> => {
  try {
    await until(() => jobOf(tag, version)?.state === 'done', ms, 100);
  } catch {
    throw new Error(
      `${tag} v${version} not done: ${JSON.stringify(jobOf(tag, version))}\n${coordinator.stderr().slice(-3000)}`,
    );
  }
  return jobOf(tag, version) as JobRow;
};
/** Each check context of a patch, with the states posted to it in order. */
function checkHistory(patchId: number): Record<string, string> {
  const by: Record<string, string> = {};
  for (const c of pw.checksOf(patchId)) by[c.context] = `${by[c.context] ?? ''} ${c.state}`.trim();
  return by;
}
/** The workers that started job `id`, in order. */
const ranOn = (id: number): string[] =>
  lab
    .trace()
    .filter((l) => l.startsWith(`start ${id} `))
    .map((l) => l.split(' ')[2] as string);

describe('e2e: a coordinator and two workers on PostgreSQL', () => {
  it('gives each job to the worker warm for its tree, and says so in status', async () => {
    post('warm-a', 'bpf');
    post('warm-b', 'bpf-next');
    const a = await doneJob('warm-a');
    const b = await doneJob('warm-b');
    expect(ranOn(a.id)).toEqual(['wa']);
    expect(ranOn(b.id)).toEqual(['wb']);
    const status = lab.cli('coordinator', ['status'], lab.coordinatorEnv);
    expect(await status.exit, status.stderr()).toBe(0);
    expect(status.stdout()).toMatch(/workers:/);
    expect(status.stdout()).toContain(`job ${a.id} (bpf): warm`);
  });

  it("lets an idle worker take another tree's job when the warm one is busy", async () => {
    post('slow-busy', 'bpf');
    await until(() => lab.trace().some((l) => / wa .*slow-busy/.test(l)), 30_000);
    post('steal-a', 'bpf');
    const stolen = await doneJob('steal-a');
    expect(ranOn(stolen.id)).toEqual(['wb']);
    expect(db.prepare('SELECT choice FROM fleet_workers WHERE name = ?').pluck().get('wb')).toBe(
      `job ${stolen.id} (bpf): no free worker warm for bpf`,
    );
    await doneJob('slow-busy');
  });

  it('kill -9 of a worker mid-job: another finishes it, with one verdict, one mail, one set of checks', async () => {
    const { patchIds } = post('slow-kill', 'bpf', { n: 2 });
    await until(() => lab.trace().some((l) => / wa .*slow-kill/.test(l)), 30_000);
    const id = jobOf('slow-kill')?.id as number;
    (workers.wa as LabProcess).child.kill('SIGKILL');
    expect(await (workers.wa as LabProcess).exit).toBeNull();
    const job = await doneJob('slow-kill', 1, 90_000);
    workers.wa = lab.startWorker('wa');
    expect(ranOn(id)).toEqual(['wa', 'wb']);
    expect(lab.trace().filter((l) => l.startsWith(`end ${id} `))).toEqual([`end ${id} wb`]);
    expect(coordinator.stderr()).toContain('worker dead: its job goes to another worker');
    expect(job.verdict).toBe('success');
    const mails = db
      .prepare<[number], { message_id: string; state: string }>(
        "SELECT message_id, state FROM outbox WHERE kind = 'email' AND run_id = ?",
      )
      .all(id);
    expect(mails).toHaveLength(1);
    await until(() => smtp.ids.includes(mails[0]?.message_id as string), 30_000);
    expect(smtp.ids.filter((m) => m === mails[0]?.message_id)).toHaveLength(1);
    // Each context of each patch: pending when the job was claimed, then one result.
    const settled = () => patchIds.every((p) => pw.checksOf(p).some((c) => c.state !== 'pending'));
    await until(settled, 30_000);
    await new Promise((r) => setTimeout(r, 2000));
    for (const p of patchIds) {
      for (const states of Object.values(checkHistory(p)))
        expect(states).toMatch(/^pending (success|warning|fail)$/);
    }
    // The run page's artifacts came home: the build log is on the coordinator's disk.
    const verdict = JSON.parse(
      db.prepare('SELECT verdict_json FROM jobs WHERE id = ?').pluck().get(id) as string,
    ) as { build: { logPath: string }[] };
    const logPath = verdict.build[0]?.logPath as string;
    expect(logPath.startsWith(join(lab.home('coordinator').stateDir, 'fleet', 'wb'))).toBe(true);
    expect(readFileSync(logPath, 'utf8')).toContain('"sleep" "6"');
    await logged(workers.wa, 'worker started');
  });

  it("a newer revision kills the older one's processes on the worker running it", async () => {
    post('hang-b', 'bpf-next');
    const pidsFile = () => join(lab.dir, 'pids', String(jobOf('hang-b')?.id));
    const pids = (): number[] => {
      try {
        return readFileSync(pidsFile(), 'utf8').trim().split('\n').map(Number);
      } catch {
        return [];
      }
    };
    await until(() => pids().length === 2, 30_000);
    expect(pids().every(pidAlive)).toBe(true);
    const old = jobOf('hang-b') as JobRow;
    post('hang-b', 'bpf-next', { version: 2 });
    await until(() => pids().every((p) => !pidAlive(p)), 30_000);
    await until(() => jobOf('hang-b', 1)?.state === 'cancelled', 30_000);
    expect(jobOf('hang-b', 1)?.id).toBe(old.id);
    const holder = ranOn(old.id)[0] as string;
    await logged(workers[holder] as LabProcess, 'job cancelled: its processes were killed');
  });

  it('computes a baseline once for two workers', async () => {
    post('base-1', 'bpf-next');
    post('base-2', 'bpf-next');
    const one = await doneJob('base-1');
    const two = await doneJob('base-2');
    expect(new Set([...ranOn(one.id), ...ranOn(two.id)])).toEqual(new Set(['wa', 'wb']));
    expect(lab.trace().filter((l) => l.startsWith('baseline '))).toHaveLength(1);
    expect(db.prepare("SELECT status FROM runs WHERE kind = 'baseline'").pluck().all()).toEqual([
      'done',
    ]);
  });

  it('refuses a worker with a bad token, a bad engine password, or a report on a job it does not hold', async () => {
    const badToken = lab.startWorker('wa', { BPFCI_WORKER_TOKEN: 'not-the-token' });
    expect(await badToken.exit).not.toBe(0);
    expect(badToken.stderr()).toContain('the coordinator refused our token');
    const badPassword = lab.startWorker('wa', { BPFCI_ENGINE_URL: pgsql.badUrl });
    expect(await badPassword.exit).not.toBe(0);
    expect(badPassword.stderr()).toContain('password authentication failed');
    const held = jobOf('warm-a') as JobRow;
    const res = await fetch(`${lab.api}/fleet/v1/jobs/${held.id}/error`, {
      method: 'POST',
      headers: { authorization: `Bearer ${lab.tokens.wb}`, 'content-type': 'application/json' },
      body: JSON.stringify({ claim: 1, code: 'INTERNAL', message: 'x', retryable: false }),
    });
    expect(res.status).toBe(409);
    expect(jobOf('warm-a')?.state).toBe('done');
  });
});
