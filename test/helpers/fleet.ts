import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type DaemonSetup, type Spawned, spawnCli, writeConfig } from './daemon-cli.js';
import { until } from './daemon-deps.js';

/**
 * The cheap pipeline of a fleet worker. What a job does follows its series' name:
 * - `slow`: sleeps 6 s (long enough to kill its worker in the middle);
 * - `hang`, v1 only: a shell with a grandchild `sleep 600` whose pids go to
 *   `<dir>/pids/<job>` (a build that only a kill of its process group stops);
 * - `base`: first the shared baseline of one fixed base, which takes 3 s to "run";
 * - anything else: 0.3 s.
 * Every start, end and baseline run is a line of the shared trace, with the worker's
 * name, so a test reads who ran what.
 */
function workerPipeline(dir: string): string {
  const mod = (p: string) => JSON.stringify(resolve(p));
  return `import { appendFileSync, mkdirSync } from 'node:fs';
import { runCommand } from ${mod('dist/exec/run.js')};
import { ensureBaseline } from ${mod('dist/pipeline/baseline.js')};
const trace = (line) => appendFileSync(${JSON.stringify(join(dir, 'trace.log'))}, line + '\\n');
const BASE = { tree: 'bpf-next', baseSha: 'f'.repeat(40), configHash: 'cfg', toolchain: 'gcc', suites: ['test_progs'] };
export async function runJob(ctx, job, io) {
  const me = ctx.config.fleet.worker.name;
  const { name, version } = ctx.db.prepare('SELECT name, version FROM series WHERE id = ?').get(job.seriesId);
  trace('start ' + job.id + ' ' + me + ' ' + name);
  if (name.includes('base')) {
    await ensureBaseline(ctx, BASE, async () => {
      trace('baseline ' + me);
      await runCommand(['sleep', '3'], { signal: io.signal });
      return { ok: true, tests: [] };
    }, { staleMs: 600000, store: io.baselines, pollMs: 200, signal: io.signal });
  }
  const pids = ${JSON.stringify(join(dir, 'pids'))};
  mkdirSync(pids, { recursive: true });
  const argv = name.includes('hang') && version === 1
    ? ['sh', '-c', 'sleep 600 & echo $! > ' + pids + '/' + job.id + '; echo $$ >> ' + pids + '/' + job.id + '; wait']
    : ['sleep', name.includes('slow') ? '6' : '0.3'];
  const r = await runCommand(argv, { signal: io.signal, logFile: ctx.stateDir + '/runs/job-' + job.id + '/build.log' });
  if (r.cancelled) throw new Error('cancelled');
  trace('end ' + job.id + ' ' + me);
  const v = name.includes('bad') ? 'failure' : 'success';
  const failures = v === 'failure' ? [{ suite: 'test_progs', name: 'fake/new_test', class: 'new', excerpt: 'boom' }] : [];
  return { verdict: { verdict: v, summary: 'fleet test pipeline on ' + me + ': ' + v, failures, extraRuns: 0,
    build: [{ status: 'pass', target: 'kernel', durationMs: 300, warnings: 0, newWarnings: [], compiled: 1, logPath: r.logFile }] } };
}
`;
}

export interface FleetLab {
  dir: string;
  coordinator: DaemonSetup;
  /** The API's base URL and each worker's token. */
  api: string;
  tokens: Record<string, string>;
  workerSetup(name: string): DaemonSetup;
  /** Starts (or restarts) a worker process; `env` overrides its token or engine URL. */
  startWorker(name: string, env?: Record<string, string>): Spawned;
  coordinatorEnv: Record<string, string>;
  trace(): string[];
}

export const FLEET_TIMING = { heartbeatSeconds: 1, deadAfterSeconds: 3 };

/**
 * One coordinator config (its sources and report given by the caller) and one config
 * per worker, each with its own state dir, all on one engine URL.
 */
export function fleetLab(opts: {
  engineUrl: string;
  apiPort: number;
  workers: Record<string, string[]>;
  coordinator: Record<string, unknown>;
}): FleetLab {
  const dir = mkdtempSync(join(tmpdir(), 'bpfci-fleet-'));
  const api = `http://127.0.0.1:${opts.apiPort}`;
  const names = Object.keys(opts.workers);
  const tokens = Object.fromEntries(names.map((n) => [n, `tok-${n}-${Math.random()}`]));
  const tokenEnv = (n: string) => `W_${n.replace(/\W/g, '_').toUpperCase()}_TOKEN`;
  const pipeline = join(dir, 'pipeline.mjs');
  writeFileSync(pipeline, workerPipeline(dir));
  const setupFor = (name: string, config: Record<string, unknown>): DaemonSetup => {
    const home = join(dir, name);
    mkdirSync(home, { recursive: true });
    const s: DaemonSetup = {
      dir: home,
      stateDir: join(home, 'state'),
      configFile: join(home, 'config.yaml'),
      trace: join(dir, 'trace.log'),
      pipeline,
    };
    writeConfig(s.configFile, { state: { dir: s.stateDir }, ...config });
    return s;
  };
  const daemon = { minFreeDiskGb: 0, idleSeconds: 1, heartbeatSeconds: 1, shutdownGraceSeconds: 1 };
  const coordinator = setupFor('coordinator', {
    ...opts.coordinator,
    daemon: { ...daemon, outboxIntervalSeconds: 1 },
    fleet: {
      ...FLEET_TIMING,
      coordinator: { port: opts.apiPort },
      workers: names.map((n) => ({ name: n, tokenEnv: tokenEnv(n) })),
    },
  });
  const workers = Object.fromEntries(
    names.map((n) => [
      n,
      setupFor(n, {
        daemon: { ...daemon, maxConcurrentBuilds: 1, maxConcurrentVms: 1 },
        fleet: {
          ...FLEET_TIMING,
          coordinator: { url: api },
          worker: { name: n, trees: opts.workers[n] },
        },
      }),
    ]),
  );
  const coordinatorEnv = {
    BPFCI_ENGINE_URL: opts.engineUrl,
    ...Object.fromEntries(names.map((n) => [tokenEnv(n), tokens[n] as string])),
  };
  return {
    dir,
    coordinator,
    api,
    tokens,
    coordinatorEnv,
    workerSetup: (n) => workers[n] as DaemonSetup,
    startWorker: (n, env = {}) =>
      spawnCli(workers[n] as DaemonSetup, ['worker'], {
        BPFCI_ENGINE_URL: opts.engineUrl,
        BPFCI_WORKER_TOKEN: tokens[n] as string,
        ...env,
      }),
    trace: () => {
      try {
        return readFileSync(join(dir, 'trace.log'), 'utf8').trim().split('\n').filter(Boolean);
      } catch {
        return [];
      }
    },
  };
}

/** Waits until a spawned process has logged `msg` (a pino line's msg), or fails with its log. */
export async function logged(p: Spawned, msg: string, ms = 60_000): Promise<void> {
  try {
    await until(() => p.stderr().includes(`"msg":"${msg}`), ms, 50);
  } catch {
    throw new Error(`never logged "${msg}":\n${p.stderr().slice(-4000)}`);
  }
}
