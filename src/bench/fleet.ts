import { join } from 'node:path';
import { openDatabase } from '../db/open.js';
import { fleetLab } from '../lab/fleet-lab.js';
import { freePort } from '../lab/free-port.js';
import { series } from '../lab/mail-builder.js';
import { type PatchworkFake, startPatchworkFake } from '../lab/patchwork-fake/index.js';
import { type Postgres, startPostgres } from '../lab/postgres.js';
import { startCountingProxy } from './counting-proxy.js';
import { type BenchSection, seconds } from './section.js';

const JOBS = 12;
const JOB_SECONDS = 1;
const IDLE_SECONDS = 20;

/**
 * The fleet on a real PostgreSQL: a coordinator fed by the Patchwork fake and 1, 2 or
 * 4 workers on the cheap pipeline (each job a 1 s sleep), so what is measured is the
 * fleet's own cost: how the span of N jobs shrinks with workers, and what each job
 * pays between the coordinator claiming it and a worker starting it, and between the
 * worker's verdict and the coordinator storing it. Then the idle cost of one worker
 * at production timing: PostgreSQL transactions and API requests per second.
 */
export async function benchFleet(): Promise<BenchSection> {
  const pg = await startPostgres(await freePort());
  try {
    const rounds = [];
    for (const workers of [1, 2, 4]) rounds.push({ workers, ...(await throughput(pg, workers)) });
    const one = rounds[0]?.spanMs ?? Number.NaN;
    const all = rounds.flatMap((r) => r.overheads);
    const idle = await idleCost(pg);
    return {
      title: `fleet: ${JOBS} jobs of ${JOB_SECONDS} s on PostgreSQL + graphile-worker`,
      rows: [
        ...rounds.map((r): [string, string] => [
          `${r.workers} worker${r.workers > 1 ? 's' : ''}`,
          `${seconds(r.spanMs)} = ${(one / r.spanMs).toFixed(2)}x the throughput of 1 (ideal ${r.workers}.00x)`,
        ]),
        ['claim to start, per job', spread(all.map((o) => o.toStart))],
        ['verdict to stored, per job', spread(all.map((o) => o.toStored))],
        [
          'idle worker + coordinator',
          `${idle.xactPerSecond.toFixed(2)} PostgreSQL transactions/s, ${idle.requestsPerSecond.toFixed(2)} API requests/s`,
        ],
      ],
      notes: [
        'span: the coordinator claiming the first job to storing the last; jobs and workers on this one 2-core host',
        'claim to start: dispatch to the engine, a worker taking it, the start call and the series import on the worker',
        `idle: ${IDLE_SECONDS} s at the default heartbeat (5 s); transactions from pg_stat_database, requests through a counting proxy`,
      ],
    };
  } finally {
    await pg.stop();
  }
}

interface Overhead {
  toStart: number;
  toStored: number;
}

async function throughput(pg: Postgres, n: number) {
  await resetEngine(pg);
  const pw = await startPatchworkFake({ seed: 'empty' });
  const workers = Object.fromEntries(
    Array.from({ length: n }, (_, i) => [`w${i + 1}`, ['bpf-next']]),
  );
  const lab = fleetLab({
    engineUrl: pg.url,
    apiPort: await freePort(),
    workers,
    coordinator: coordinatorOf(pw),
    jobSeconds: JOB_SECONDS,
  });
  try {
    await lab.start({ PW_TOKEN: pw.token });
    for (let i = 0; i < JOBS; i++) {
      const [cover, ...patches] = series(`bench${i}`, 1, 1);
      pw.addSeries({ cover, patches });
    }
    const db = openDatabase(join(lab.home('coordinator').stateDir, 'bpfci.sqlite'));
    try {
      const done = () => db.prepare("SELECT COUNT(*) FROM jobs WHERE state = 'done'").pluck().get();
      const deadline = Date.now() + 600_000;
      while (done() !== JOBS) {
        if (Date.now() > deadline) throw new Error(`${n} workers: jobs not done in 10 minutes`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const jobs = db
        .prepare<[], { id: number; started_at: string; finished_at: string }>(
          'SELECT id, started_at, finished_at FROM jobs',
        )
        .all();
      const times = lab.times();
      const ms = (iso: string) => Date.parse(iso);
      const spanMs =
        Math.max(...jobs.map((j) => ms(j.finished_at))) -
        Math.min(...jobs.map((j) => ms(j.started_at)));
      const overheads: Overhead[] = jobs.flatMap((j) => {
        const t = times.get(j.id);
        return t
          ? [{ toStart: t.start - ms(j.started_at), toStored: ms(j.finished_at) - t.end }]
          : [];
      });
      return { spanMs, overheads };
    } finally {
      db.close();
    }
  } finally {
    await lab.stop();
    await pw.stop();
  }
}

async function idleCost(pg: Postgres) {
  await resetEngine(pg);
  const pw = await startPatchworkFake({ seed: 'empty' });
  const apiPort = await freePort();
  const proxy = await startCountingProxy(`http://127.0.0.1:${apiPort}/`);
  const lab = fleetLab({
    engineUrl: pg.url,
    apiPort,
    workers: { w1: ['bpf-next'] },
    coordinator: coordinatorOf(pw),
    timing: { heartbeatSeconds: 5, deadAfterSeconds: 60 },
    workerApiUrl: proxy.url,
  });
  try {
    await lab.start({ PW_TOKEN: pw.token });
    await new Promise((r) => setTimeout(r, 3000));
    const before = { xact: await commits(pg), requests: proxy.count() };
    await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
    const xact = (await commits(pg)) - before.xact - 1; // less our own query
    const requests = proxy.count() - before.requests;
    return { xactPerSecond: xact / IDLE_SECONDS, requestsPerSecond: requests / IDLE_SECONDS };
  } finally {
    await lab.stop();
    await Promise.all([proxy.stop(), pw.stop()]);
  }
}

const coordinatorOf = (pw: PatchworkFake) => ({
  sources: { patchwork: pw.sourceConfig },
  report: { dryRun: true },
});

/** Each round starts on an empty engine: no job left over from the one before. */
async function resetEngine(pg: Postgres): Promise<void> {
  await pg.query('DROP SCHEMA IF EXISTS graphile_worker CASCADE');
}

async function commits(pg: Postgres): Promise<number> {
  const [row] = await pg.query<{ n: string }>(
    "SELECT xact_commit AS n FROM pg_stat_database WHERE datname = 'bpfci'",
  );
  return Number(row?.n ?? Number.NaN);
}

function spread(ms: number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return `median ${at(0.5).toFixed(0)} ms, p90 ${at(0.9).toFixed(0)} ms (${sorted.length} jobs)`;
}
