import { type ChildProcess, spawn } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { runChecked } from '../exec/run.js';

export interface Postgres {
  dir: string;
  port: number;
  /** `postgres://bpfci:<password>@127.0.0.1:<port>/bpfci`: what BPFCI_ENGINE_URL holds. */
  url: string;
  /** The same role with a wrong password: a worker that must be refused. */
  badUrl: string;
  /** Runs one statement as the superuser (test assertions, statistics). */
  query<T extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

const NOBODY = { uid: 65534, gid: 65534 };

/** Debian's server binaries: /usr/lib/postgresql/<major>/bin, newest major first. */
export function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const bin = majors.map((m) => join(root, m, 'bin')).find((b) => existsSync(join(b, 'initdb')));
  if (!bin) throw new Error('PostgreSQL server binaries not found: apt-get install postgresql');
  return bin;
}

/**
 * A real PostgreSQL on a free loopback port, in a temp dir, owned and run by `nobody`
 * when we are root (the server refuses to run as root). Password auth only
 * (scram-sha-256), on TCP only: what a worker on another host would meet.
 */
export async function startPostgres(port: number): Promise<Postgres> {
  const bin = postgresBin();
  const dir = mkdtempSync(join(tmpdir(), 'bpfci-pg-'));
  const root = process.getuid?.() === 0;
  const as = root ? NOBODY : {};
  const own = (path: string) => root && chownSync(path, NOBODY.uid, NOBODY.gid);
  own(dir);
  const superPassword = `su-${Math.random().toString(36).slice(2)}`;
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, `${superPassword}\n`, { mode: 0o600 });
  own(pwfile);
  const data = join(dir, 'data');
  await runChecked(
    [
      ...(root ? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'] : []),
      join(bin, 'initdb'),
      '-D',
      data,
      '-U',
      'postgres',
      '--auth=scram-sha-256',
      `--pwfile=${pwfile}`,
    ],
    { cwd: dir, env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' }, timeoutMs: 120_000 },
  );
  // Output to a file, never a pipe: a server whose pipe nobody drains can hang its caller.
  const logFd = openSync(join(dir, 'server.log'), 'a');
  own(join(dir, 'server.log'));
  const server: ChildProcess = spawn(
    join(bin, 'postgres'),
    ['-D', data, '-h', '127.0.0.1', '-p', String(port), '-k', dir, '-c', 'fsync=off'],
    { ...as, cwd: dir, stdio: ['ignore', logFd, logFd], detached: true },
  );
  const exited = new Promise<void>((r) => server.once('exit', () => r()));
  const admin = (db = 'postgres') =>
    new pg.Client({
      host: '127.0.0.1',
      port,
      user: 'postgres',
      password: superPassword,
      database: db,
    });
  await waitForServer(admin, server);
  const c = admin();
  await c.connect();
  await c.query(`CREATE ROLE bpfci LOGIN PASSWORD '${password}'`);
  await c.query('CREATE DATABASE bpfci OWNER bpfci');
  await c.end();
  return {
    dir,
    port,
    url: `postgres://bpfci:${password}@127.0.0.1:${port}/bpfci`,
    badUrl: `postgres://bpfci:wrong-${password}@127.0.0.1:${port}/bpfci`,
    async query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) {
      const q = admin('bpfci');
      await q.connect();
      try {
        return (await q.query<T>(sql, params)).rows;
      } finally {
        await q.end();
      }
    },
    async stop() {
      // Immediate shutdown: nothing here needs to survive the test.
      if (server.exitCode === null && server.pid) process.kill(-server.pid, 'SIGQUIT');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForServer(admin: () => pg.Client, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`postgres exited with ${server.exitCode}`);
    const c = admin();
    try {
      await c.connect();
      await c.end();
      return;
    } catch (err) {
      await c.end().catch(() => {});
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
