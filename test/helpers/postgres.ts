import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

export interface Postgres {
  /** `postgres://bpfci:<password>@127.0.0.1:<port>/postgres` */
  url: string;
  port: number;
  password: string;
  /** The same server with a wrong password: the engine must refuse it. */
  badUrl: string;
  stop(): void;
}

/** Debian's server binaries are under /usr/lib/postgresql/<major>/bin, not on PATH. */
function binDir(): string {
  const root = '/usr/lib/postgresql';
  const major = existsSync(root) ? readdirSync(root).sort().at(-1) : undefined;
  if (!major) throw new Error('PostgreSQL is not installed (scripts/setup.sh installs it)');
  return join(root, major, 'bin');
}

/**
 * A real PostgreSQL server on loopback in a temp dir, password-authenticated
 * (scram-sha-256), for the fleet's engine. As root, it runs as nobody: postgres
 * refuses to run as root.
 */
export async function startPostgres(): Promise<Postgres> {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'bpfci-pg-'));
  const data = join(dir, 'data');
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  writeFileSync(join(dir, 'pw'), `${password}\n`);
  const asRoot = process.getuid?.() === 0;
  const nobody = { uid: 65534, gid: 65534 };
  if (asRoot) chownSync(dir, nobody.uid, nobody.gid);
  if (asRoot) chownSync(join(dir, 'pw'), nobody.uid, nobody.gid);
  const run = (file: string, args: string[]) =>
    execFileSync(join(bin, file), args, {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(asRoot ? nobody : {}),
    });
  run('initdb', ['-D', data, '-U', 'bpfci', '--auth=scram-sha-256', `--pwfile=${join(dir, 'pw')}`]);
  const port = await freePort();
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  run('pg_ctl', ['start', '-D', data, '-w', '-l', join(dir, 'log'), '-o', opts]);
  const url = `postgres://bpfci:${password}@127.0.0.1:${port}/postgres`;
  return {
    url,
    port,
    password,
    badUrl: `postgres://bpfci:wrong-${password}@127.0.0.1:${port}/postgres`,
    stop(): void {
      spawnSync(join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', 'immediate'], {
        stdio: 'ignore',
        ...(asRoot ? nobody : {}),
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
