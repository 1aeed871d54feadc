import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { DIST, type LabProcess, logged, spawnBpfci } from './cli-process.js';

export { DIST, type LabProcess, logged } from './cli-process.js';

/**
 * The cheap pipeline of a fleet worker. What a job does follows its series' name:
 * - `slow`: sleeps 6 s (long enough to kill its worker in the middle);
 * - `hang`, v1 only: a shell with a grandchild `sleep 600` whose pids go to
 *   `<dir>/pids/<job>` (a build that only a kill of its process group stops);
 * - `base`: first the shared baseline of one fixed base, which takes 3 s to "run";
 * - anything else: `jobSeconds`.
 * Every start, end and baseline run is a line of the shared trace, with the worker's
 * name, so a test reads who ran what; `times.log` has each job's start and end (ms).
 */
function workerPipeline(dir: string, jobSeconds: number): string {
  const mod = (p: string) => JSON.stringify(join(DIST, p));
  return `import { appendFileSync, mkdirSync } from 'node:fs';
import { runCommand } from ${mod('exec/run.js')};
import { ensureBaseline } from ${mod('pipeline/baseline.js')};
const trace = (line) => appendFileSync(${JSON.stringify(join(dir, 'trace.log'))}, line + '\\n');
const BASE = { tree: 'bpf-next', baseSha: 'f'.repeat(40), configHash: 'cfg', toolchain: 'gcc', suites: ['test_progs'] };
const times = (line) => appendFileSync(${JSON.stringify(join(dir, 'times.log'))}, line + '\\n');
export async function runJob(ctx, job, io) {
  const t0 = Date.now();
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
    : ['sleep', name.includes('slow') ? '6' : '${jobSeconds}'];
  const r = await runCommand(argv, { signal: io.signal, logFile: ctx.stateDir + '/runs/job-' + job.id + '/build.log' });
  if (r.cancelled) throw new Error('cancelled');
  trace('end ' + job.id + ' ' + me);
  times(job.id + ' ' + t0 + ' ' + Date.now());
  const v = name.includes('bad') ? 'failure' : 'success';
  const failures = v === 'failure' ? [{ suite: 'test_progs', name: 'fake/new_test', class: 'new', excerpt: 'boom' }] : [];
  return { verdict: { verdict: v, summary: 'fleet test pipeline on ' + me + ': ' + v, failures, extraRuns: 0,
    build: [{ status: 'pass', target: 'kernel', durationMs: 300, warnings: 0, newWarnings: [], compiled: 1, logPath: r.logFile }] } };
}
`;
}

export interface FleetLab {
  dir: string;
  /** Each role's home: the coordinator's and one per worker, named as given. */
  home(role: string): { stateDir: string; configFile: string };
  /** The API's base URL and each worker's token. */
  api: string;
  tokens: Record<string, string>;
  /** The coordinator's env: the engine URL and every worker's token. */
  coordinatorEnv: Record<string, string>;
  /** Runs `bpfci <args>` with a role's config. */
  cli(role: string, args: string[], env?: Record<string, string>): LabProcess;
  /** Starts (or restarts) a worker process; `env` overrides its token or engine URL. */
  startWorker(name: string, env?: Record<string, string>): LabProcess;
  /** The coordinator (`bpfci run`, with `env`), then every worker, each once it is up. */
  start(env?: Record<string, string>): Promise<{
    coordinator: LabProcess;
    workers: Record<string, LabProcess>;
  }>;
  /** SIGTERM to every process the lab started that still runs; resolves when all exited. */
  stop(): Promise<void>;
  trace(): string[];
  /** Each finished job's pipeline start and end, in ms since the epoch. */
  times(): Map<number, { start: number; end: number }>;
}

export interface FleetLabOptions {
  engineUrl: string;
  apiPort: number;
  /** Worker names, with the trees each keeps warm. */
  workers: Record<string, string[]>;
  /** The coordinator's sources and report. */
  coordinator: Record<string, unknown>;
  /** fleet.heartbeatSeconds and deadAfterSeconds (default 1 and 3: tests). */
  timing?: { heartbeatSeconds: number; deadAfterSeconds: number };
  /** How long a plain job of the cheap pipeline sleeps (default 0.3 s). */
  jobSeconds?: number;
  /** Where workers reach the API, when not straight (a counting proxy in front of it). */
  workerApiUrl?: string;
  /** Config sections of every role (trees, suites, build, vm), over the lab's. */
  shared?: Record<string, unknown>;
  /** The workers' pipeline module (BPFCI_TEST_PIPELINE) instead of the cheap one. */
  pipeline?: string;
}

const TREES = {
  bpf: { upstream: '/nonexistent/bpf' },
  'bpf-next': { upstream: '/nonexistent/bpf-next' },
};
const ROUTING = { default: 'bpf-next', tags: { bpf: 'bpf', 'bpf-next': 'bpf-next' } };
const DAEMON = { minFreeDiskGb: 0, idleSeconds: 1, heartbeatSeconds: 1, shutdownGraceSeconds: 1 };

/**
 * A coordinator and N workers of the built CLI on one engine, each role with its own
 * state dir and config, the workers on the cheap pipeline (BPFCI_TEST_PIPELINE).
 */
export function fleetLab(opts: FleetLabOptions): FleetLab {
  const dir = mkdtempSync(join(tmpdir(), 'bpfci-fleet-'));
  const api = `http://127.0.0.1:${opts.apiPort}`;
  const timing = opts.timing ?? { heartbeatSeconds: 1, deadAfterSeconds: 3 };
  const names = Object.keys(opts.workers);
  const tokens = Object.fromEntries(names.map((n) => [n, `tok-${n}-${Math.random()}`]));
  const tokenEnv = (n: string) => `W_${n.replace(/\W/g, '_').toUpperCase()}_TOKEN`;
  const pipeline = join(dir, 'pipeline.mjs');
  // World-traversable: a real build drops to an unprivileged uid that must reach the lanes.
  chmodSync(dir, 0o755);
  writeFileSync(pipeline, opts.pipeline ?? workerPipeline(dir, opts.jobSeconds ?? 0.3));
  const home = (role: string) => ({
    stateDir: join(dir, role, 'state'),
    configFile: join(dir, role, 'config.yaml'),
  });
  const writeRole = (role: string, config: Record<string, unknown>) => {
    mkdirSync(join(dir, role), { recursive: true });
    const base = {
      version: 1,
      state: { dir: home(role).stateDir },
      trees: TREES,
      routing: ROUTING,
    };
    writeFileSync(home(role).configFile, stringify({ ...base, ...opts.shared, ...config }));
  };
  writeRole('coordinator', {
    ...opts.coordinator,
    daemon: { ...DAEMON, outboxIntervalSeconds: 1 },
    fleet: {
      ...timing,
      coordinator: { port: opts.apiPort },
      workers: names.map((n) => ({ name: n, tokenEnv: tokenEnv(n) })),
    },
  });
  for (const n of names) {
    writeRole(n, {
      daemon: { ...DAEMON, maxConcurrentBuilds: 1, maxConcurrentVms: 1 },
      fleet: {
        ...timing,
        coordinator: { url: opts.workerApiUrl ?? api },
        worker: { name: n, trees: opts.workers[n] },
      },
    });
  }
  const started: LabProcess[] = [];
  const cli = (role: string, args: string[], env: Record<string, string> = {}) => {
    const p = spawnBpfci(home(role).configFile, args, { BPFCI_TEST_PIPELINE: pipeline, ...env });
    started.push(p);
    return p;
  };
  const coordinatorEnv = {
    BPFCI_ENGINE_URL: opts.engineUrl,
    ...Object.fromEntries(names.map((n) => [tokenEnv(n), tokens[n] as string])),
  };
  const startWorker = (n: string, env: Record<string, string> = {}) =>
    cli(n, ['worker'], {
      BPFCI_ENGINE_URL: opts.engineUrl,
      BPFCI_WORKER_TOKEN: tokens[n] as string,
      ...env,
    });
  const lines = (file: string) => {
    try {
      return readFileSync(join(dir, file), 'utf8').trim().split('\n').filter(Boolean);
    } catch {
      return [];
    }
  };
  return {
    dir,
    home,
    api,
    tokens,
    coordinatorEnv,
    cli,
    startWorker,
    async start(env = {}) {
      const coordinator = cli('coordinator', ['run'], { ...coordinatorEnv, ...env });
      await logged(coordinator, 'daemon started');
      const workers: Record<string, LabProcess> = {};
      for (const n of names) {
        workers[n] = startWorker(n);
        await logged(workers[n], 'worker started');
      }
      return { coordinator, workers };
    },
    async stop() {
      for (const p of started) if (p.child.exitCode === null) p.child.kill('SIGTERM');
      await Promise.all(started.map((p) => p.exit));
    },
    trace: () => lines('trace.log'),
    times: () =>
      new Map(
        lines('times.log').map((l) => {
          const [id, start, end] = l.split(' ').map(Number);
          return [id as number, { start: start as number, end: end as number }];
        }),
      ),
  };
}
