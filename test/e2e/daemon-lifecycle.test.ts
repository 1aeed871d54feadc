import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open.js';
import { daemonSetup, requireBuild, spawnCli, writeConfig } from '../helpers/daemon-cli.js';
import { pidAlive, until } from '../helpers/daemon-deps.js';
import { seedSeries } from '../helpers/daemon-state.js';

beforeAll(() => requireBuild());

const DAEMON = { minFreeDiskGb: 0, idleSeconds: 1, heartbeatSeconds: 1, shutdownGraceSeconds: 1 };

function logLines(stderr: string): { msg?: string }[] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { msg?: string });
}

describe('e2e: daemon lifecycle', () => {
  it('SIGTERM during a long child: grace, then the process group is killed, exit 0, job kept', async () => {
    // The "build": a shell that starts a grandchild and waits, as make does.
    const setup = daemonSetup(
      { daemon: DAEMON },
      `['sh', '-c', 'sleep 600 & echo $! > ' + ${JSON.stringify('PIDS')} + '; echo $$ >> ' + ${JSON.stringify('PIDS')} + '; wait']`,
    );
    const pidsFile = join(setup.dir, 'pids');
    writeFileSync(
      setup.pipeline,
      readFileSync(setup.pipeline, 'utf8').replaceAll('PIDS', pidsFile),
    );
    const db = openDatabase(join(setup.stateDir, 'bpfci.sqlite'));
    seedSeries(db);
    const daemon = spawnCli(setup, ['run']);
    const pids = (): number[] => {
      try {
        return readFileSync(pidsFile, 'utf8').trim().split('\n').map(Number);
      } catch {
        return [];
      }
    };
    await until(() => pids().length === 2, 60_000);
    expect(pids().every(pidAlive)).toBe(true);

    daemon.child.kill('SIGTERM');

    expect(await daemon.exit, daemon.stderr().slice(-3000)).toBe(0);
    await until(() => pids().every((p) => !pidAlive(p)), 10_000);
    const msgs = logLines(daemon.stderr()).map((l) => l.msg);
    expect(msgs).toContain('shutdown grace over: killing running jobs');
    expect(msgs).toContain('daemon stopped');
    const job = db
      .prepare<[], { state: string; attempts: number }>('SELECT state, attempts FROM jobs')
      .get();
    expect(job).toEqual({ state: 'queued', attempts: 0 });
    db.close();
  });

  it('SIGHUP with an invalid config keeps the old one; a valid one is taken', async () => {
    const setup = daemonSetup({ daemon: DAEMON });
    const db = openDatabase(join(setup.stateDir, 'bpfci.sqlite'));
    const daemon = spawnCli(setup, ['run']);
    await until(() => daemon.stderr().includes('daemon started'), 60_000);
    const state = { dir: setup.stateDir };

    writeConfig(setup.configFile, { state, daemon: { ...DAEMON, maxConcurrentBuilds: -3 } });
    daemon.child.kill('SIGHUP');
    await until(() => daemon.stderr().includes('config reload rejected'), 20_000);
    // Still alive and still working with the old config: a new series gets its verdict.
    const s = seedSeries(db);
    await until(
      () => db.prepare('SELECT state FROM jobs WHERE series_id = ?').pluck().get(s) === 'done',
      60_000,
    );

    writeConfig(setup.configFile, { state, daemon: { ...DAEMON, maxConcurrentBuilds: 2 } });
    daemon.child.kill('SIGHUP');
    await until(() => daemon.stderr().includes('configuration reloaded'), 20_000);
    daemon.child.kill('SIGTERM');

    expect(await daemon.exit).toBe(0);
    const rejected = logLines(daemon.stderr()).find((l) =>
      l.msg?.startsWith('config reload rejected'),
    );
    expect(JSON.stringify(rejected)).toContain('daemon.maxConcurrentBuilds');
    db.close();
  });

  it('--once with no work exits 0 and prints its summary', async () => {
    const setup = daemonSetup({ daemon: DAEMON });
    const once = spawnCli(setup, ['run', '--once']);
    expect(await once.exit).toBe(0);
    expect(JSON.parse(once.stdout())).toMatchObject({
      polled: [],
      jobs: { queued: 0, running: 0 },
    });
  });

  it('--once refuses to start jobs below the disk threshold and exits 2 (infra)', async () => {
    const setup = daemonSetup({ daemon: { ...DAEMON, minFreeDiskGb: 1e9 } });
    const db = openDatabase(join(setup.stateDir, 'bpfci.sqlite'));
    seedSeries(db);
    const once = spawnCli(setup, ['run', '--once']);
    expect(await once.exit).toBe(2);
    expect(once.stderr()).toContain('DISK_LOW');
    expect(db.prepare('SELECT state FROM jobs').pluck().get()).toBe('queued');
    db.close();
  });
});
