import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../src/db/open.js';
import {
  type DaemonSetup,
  daemonSetup,
  mailEveryVerdict,
  requireBuild,
  type Spawned,
  spawnCli,
  startSmtp,
} from '../helpers/daemon-cli.js';
import { pidAlive, until } from '../helpers/daemon-deps.js';
import {
  type FleetWorkerSetup,
  fleetPipeline,
  spawnWorker,
  workerSetup,
} from '../helpers/fleet.js';
import { freePort } from '../helpers/free-port.js';
import { series } from '../helpers/mail-builder.js';
import { type PatchworkFake, startPatchworkFake } from '../helpers/patchwork-fake/index.js';
import { type Postgres, startPostgres } from '../helpers/postgres.js';

/**
 * The fleet for real: a PostgreSQL server on loopback as the engine, a coordinator
 * (`bpfci run`) fed by the Patchwork fake, and two `bpfci worker` processes with state
 * dirs of their own, running a cheap pipeline of real processes. wa is warm for bpf,
 * wb for bpf-next.
 */
const TOKENS = { wa: 'token-of-wa-0123456789', wb: 'token-of-wb-0123456789' };

let pg: Postgres;
let pw: PatchworkFake;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let coord: DaemonSetup;
let daemon: Spawned;
let db: Db;
let pipeline: string;
const workers: Record<string, FleetWorkerSetup> = {};
const running: Record<string, Spawned> = {};

const control = (file: string, value: string) => writeFileSync(join(coord.dir, file), value);
const trace = (): string[][] => {
  const file = join(coord.dir, 'trace');
  return existsSync(file)
    ? readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(' '))
    : [];
};
/** Where job `id`'s steps ran: [what, worker] in order. */
const stepsOf = (id: number) =>
  trace()
    .filter((t) => Number(t[1]) === id)
    .map((t) => [t[0], t[2]]);

function start(name: string): Spawned {
  const w = workers[name] as FleetWorkerSetup;
  const token = TOKENS[name as keyof typeof TOKENS];
  const child = spawnWorker(w, { engineUrl: pg.url, token });
  running[name] = child;
  return child;
}

function post(tag: string, tree: 'bpf' | 'bpf-next', version = 1): number[] {
  const mails = series(tag, version, 1).map((m) =>
    tree === 'bpf' ? Buffer.from(m.toString().replaceAll('[PATCH bpf-next', '[PATCH bpf')) : m,
  );
  const [cover, ...patches] = mails;
  return pw.addSeries({ cover: cover as Buffer, patches }).patchIds;
}

const jobOf = (tag: string, version = 1) =>
  db
    .prepare<
      [string, number],
      { id: number; state: string; v: string | null; runId: number | null }
    >(
      `SELECT j.id, j.state, j.verdict_json AS v, j.run_id AS runId FROM jobs j
       JOIN series s ON s.id = j.series_id WHERE s.name = ? AND s.version = ?`,
    )
    .get(tag, version);

async function done(tag: string, version = 1, ms = 60_000) {
  await until(() => jobOf(tag, version)?.state === 'done', ms, 100);
  return jobOf(tag, version) as NonNullable<ReturnType<typeof jobOf>>;
}

beforeAll(async () => {
  requireBuild();
  [pg, pw, smtp] = await Promise.all([
    startPostgres(),
    startPatchworkFake({ seed: 'empty' }),
    startSmtp(),
  ]);
  const port = await freePort();
  coord = daemonSetup({
    sources: {
      patchwork: { url: pw.apiUrl, project: 'netdevbpf', tokenEnv: 'PW_TOKEN', intervalSeconds: 1 },
    },
    report: mailEveryVerdict(smtp.port),
    daemon: {
      minFreeDiskGb: 0,
      idleSeconds: 1,
      heartbeatSeconds: 1,
      outboxIntervalSeconds: 1,
      shutdownGraceSeconds: 2,
    },
    fleet: {
      coordinator: { host: '127.0.0.1', port },
      workers: [
        { name: 'wa', tokenEnv: 'TOKEN_WA' },
        { name: 'wb', tokenEnv: 'TOKEN_WB' },
      ],
      heartbeatSeconds: 1,
      deadAfterSeconds: 4,
    },
  });
  pipeline = fleetPipeline(coord.dir);
  daemon = spawnCli(coord, ['run'], {
    PW_TOKEN: pw.token,
    BPFCI_ENGINE_URL: pg.url,
    TOKEN_WA: TOKENS.wa,
    TOKEN_WB: TOKENS.wb,
  });
  await until(() => daemon.stderr().includes('daemon started'), 60_000);
  const url = `http://127.0.0.1:${port}`;
  workers.wa = workerSetup('wa', ['bpf'], url, pipeline);
  workers.wb = workerSetup('wb', ['bpf-next'], url, pipeline);
  start('wa');
  start('wb');
  await until(
    () => Object.values(running).every((w) => w.stderr().includes('worker started')),
    60_000,
  );
  db = openDatabase(join(coord.stateDir, 'bpfci.sqlite'));
}, 120_000);

afterAll(async () => {
  for (const w of Object.values(running)) w.child.kill('SIGKILL');
  daemon?.child.kill('SIGTERM');
  await daemon?.exit;
  db?.close();
  pg?.stop();
  await pw?.stop();
  await smtp?.close();
});

describe('e2e: a coordinator and two workers on a real PostgreSQL', () => {
  it('sends each job to the worker warm for its tree; the verdict and artifacts come home', async () => {
    post('aff-next', 'bpf-next');
    post('aff-bpf', 'bpf');
    const next = await done('aff-next');
    const bpf = await done('aff-bpf');
    expect(stepsOf(next.id)).toEqual([
      ['baseline', 'wb'],
      ['start', 'wb'],
      ['done', 'wb'],
    ]);
    expect(stepsOf(bpf.id)).toEqual([
      ['baseline', 'wa'],
      ['start', 'wa'],
      ['done', 'wa'],
    ]);
    // The verdict's build log now lives with the coordinator, under the run the page shows.
    const verdict = JSON.parse(next.v ?? '{}');
    expect(verdict.summary).toBe('fleet pipeline on wb');
    const log = verdict.build[0].logPath as string;
    expect(log.startsWith(join(coord.stateDir, 'fleet', 'wb'))).toBe(true);
    expect(readFileSync(log, 'utf8')).toContain('building');
    const run = db
      .prepare('SELECT kind, artifacts_dir AS dir FROM runs WHERE id = ?')
      .get(next.runId);
    expect(run).toEqual({
      kind: 'series',
      dir: expect.stringContaining(join(coord.stateDir, 'fleet')),
    });
    // The worker's copies are gone once the coordinator has them.
    expect(log.includes(workers.wb?.stateDir as string)).toBe(false);
  });

  it('lets an idle worker take a job warm elsewhere; the two share one baseline', async () => {
    control('seconds', '4');
    post('steal-1', 'bpf-next');
    await until(
      () => trace().some((t) => t[0] === 'start' && t[1] === String(jobOf('steal-1')?.id)),
      30_000,
    );
    post('steal-2', 'bpf-next');
    const [one, two] = [await done('steal-1'), await done('steal-2')];
    expect(stepsOf(one.id).at(-1)).toEqual(['done', 'wb']);
    expect(stepsOf(two.id).at(-1)).toEqual(['done', 'wa']);
    // Both needed bpf-next's baseline at the same base: the fleet ran it once (aff-next's).
    expect(trace().filter((t) => t[0] === 'baseline' && t[2] === 'wb')).toHaveLength(1);
    expect(trace().filter((t) => t[0] === 'baseline')).toHaveLength(2);
    // The choice is logged and shown in `bpfci status`.
    expect(daemon.stderr()).toContain(`job ${two.id} to wa: no free worker warm for bpf-next`);
    const status = spawnCli(coord, ['status', '--json'], { BPFCI_ENGINE_URL: pg.url });
    expect(await status.exit).toBe(0);
    const fleet = JSON.parse(status.stdout()).fleet as {
      name: string;
      trees: string[];
      choice: string;
    }[];
    expect(fleet.map((w) => [w.name, w.trees])).toEqual([
      ['wa', ['bpf']],
      ['wb', ['bpf-next']],
    ]);
    expect(fleet.find((w) => w.name === 'wa')?.choice).toBe(
      `job ${two.id} (bpf-next): no free worker warm for bpf-next`,
    );
    const baselines = db.prepare("SELECT COUNT(*) AS n FROM runs WHERE kind = 'baseline'").get();
    expect(baselines).toEqual({ n: 2 });
    const base = db
      .prepare(
        "SELECT status, artifacts_dir AS dir FROM runs WHERE kind = 'baseline' ORDER BY id LIMIT 1",
      )
      .get() as { status: string; dir: string };
    expect(base.status).toBe('done');
    expect(readFileSync(join(base.dir, 'baseline.log'), 'utf8')).toBe('the base passes\n');
  });

  it('kill -9 of a worker mid-job: the other completes it, with one verdict, one mail, one set of checks', async () => {
    control('seconds', '20');
    const mailsBefore = smtp.ids.length;
    const patches = post('killed', 'bpf-next');
    await until(() => stepsOf(jobOf('killed')?.id ?? -1).some((s) => s[0] === 'start'), 30_000);
    const [, victim] = stepsOf(jobOf('killed')?.id as number).find(
      (s) => s[0] === 'start',
    ) as string[];
    const survivor = victim === 'wa' ? 'wb' : 'wa';
    running[victim as string]?.child.kill('SIGKILL');
    await running[victim as string]?.exit;
    control('seconds', '0.3');
    const job = await done('killed', 1, 60_000);
    expect(stepsOf(job.id).filter((s) => s[0] !== 'baseline')).toEqual([
      ['start', victim],
      ['start', survivor],
      ['done', survivor],
    ]);
    expect(JSON.parse(job.v ?? '{}').summary).toBe(`fleet pipeline on ${survivor}`);
    expect(daemon.stderr()).toContain('worker dead: its job goes to another worker');
    await until(() => smtp.ids.length > mailsBefore, 20_000);
    await new Promise((r) => setTimeout(r, 2000));
    expect(smtp.ids.length - mailsBefore).toBe(1);
    const finals = pw.checkPosts
      .filter((p) => patches.includes(p.patchId) && p.status < 300 && !p.body.includes('pending'))
      .map((p) => p.body);
    expect(finals.length).toBeGreaterThan(0);
    expect(new Set(finals).size).toBe(finals.length);
    // The dead worker comes back under its name and takes jobs again.
    start(victim as string);
    await until(
      () => running[victim as string]?.stderr().includes('worker started') ?? false,
      30_000,
    );
  });

  it('a newer revision kills the older one on the worker that runs it', async () => {
    control('seconds', '60');
    post('revised', 'bpf-next');
    await until(() => existsSync(join(coord.dir, `pid-${jobOf('revised')?.id}`)), 30_000);
    const old = jobOf('revised') as NonNullable<ReturnType<typeof jobOf>>;
    const pid = Number(readFileSync(join(coord.dir, `pid-${old.id}`), 'utf8'));
    expect(pidAlive(pid)).toBe(true);
    control('seconds', '0.3');
    post('revised', 'bpf-next', 2);
    await until(() => !pidAlive(pid), 20_000);
    expect(jobOf('revised')?.state).toBe('cancelled');
    await done('revised', 2);
    const worker = stepsOf(old.id).find((s) => s[0] === 'start')?.[1] as string;
    expect(running[worker]?.stderr()).toContain('job cancelled: its processes were killed');
  });

  it('refuses a worker with a bad token, and the engine refuses a bad password', async () => {
    const w = workers.wa as FleetWorkerSetup;
    const badToken = spawnWorker(w, { engineUrl: pg.url, token: 'not-the-token' });
    expect(await badToken.exit).not.toBe(0);
    expect(badToken.stderr()).toContain('the coordinator refused our token');
    expect(daemon.stderr()).toContain('fleet: request refused, bad credential');
    const badPassword = spawnWorker(w, { engineUrl: pg.badUrl, token: TOKENS.wa });
    expect(await badPassword.exit).not.toBe(0);
    expect(badPassword.stderr()).toMatch(/password authentication failed/);
  });
});
