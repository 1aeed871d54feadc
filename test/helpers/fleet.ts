import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type DaemonSetup, daemonSetup, type Spawned, spawnCli } from './daemon-cli.js';

const dist = (p: string) => JSON.stringify(resolve('dist', p));

/**
 * The fleet's cheap pipeline, run by each worker: a baseline through the worker's
 * store (the coordinator's), then a real `sleep` in its own process group (its pid
 * written to `<dir>/pid-<job>`), a series run with a build log under the worker's
 * state dir, and a success verdict. `<dir>/seconds` sets the sleep. Each step is
 * traced to `<dir>/trace` as `<what> <job> <worker>`.
 */
export function fleetPipeline(dir: string): string {
  const file = join(dir, 'fleet-pipeline.mjs');
  const at = (name: string) => JSON.stringify(join(dir, name));
  writeFileSync(
    file,
    `import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from ${dist('exec/run.js')};
import { ensureBaseline } from ${dist('pipeline/baseline.js')};
import { createRun, finishRun } from ${dist('db/runs.js')};
const trace = (line) => appendFileSync(${at('trace')}, line + '\\n');
export async function runJob(ctx, job, io) {
  const me = ctx.config.fleet.worker.name;
  const seconds = existsSync(${at('seconds')}) ? readFileSync(${at('seconds')}, 'utf8').trim() : '0.3';
  const inputs = { tree: job.lane, baseSha: 'b'.repeat(40), configHash: 'c', toolchain: 't', suites: ['s'] };
  const base = await ensureBaseline(ctx, inputs, async (runId) => {
    trace('baseline ' + job.id + ' ' + me);
    const dir = join(ctx.stateDir, 'runs', String(runId));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'baseline.log'), 'the base passes\\n');
    await runCommand(['sleep', '1.5'], { signal: io.signal });
    return { ok: true, tests: [{ suite: 'test_progs', name: 'fake/test', status: 'pass' }] };
  }, { staleMs: 600000, pollMs: 200, store: io.baselines, signal: io.signal });
  const runId = createRun(ctx.db, { kind: 'series', key: 'series:' + job.seriesId, seriesId: job.seriesId });
  const dir = join(ctx.stateDir, 'runs', String(runId));
  trace('start ' + job.id + ' ' + me);
  const pidFile = join(${at('')}, 'pid-' + job.id);
  const r = await runCommand(['sh', '-c', 'echo $$ > ' + pidFile + '; echo building; exec sleep ' + seconds],
    { signal: io.signal, logFile: join(dir, 'build.log') });
  if (r.cancelled) throw new Error('cancelled');
  const tests = [{ suite: 'test_progs', name: 'fake/test', status: 'pass' }];
  const verdict = { verdict: 'success', summary: 'fleet pipeline on ' + me, failures: [], extraRuns: 0,
    baselineRunId: base.runId,
    build: [{ status: 'pass', target: 'kernel', durationMs: 1000, warnings: 0, newWarnings: [], compiled: 1, logPath: join(dir, 'build.log') }] };
  finishRun(ctx.db, runId, { status: 'done', verdict, tests });
  trace('done ' + job.id + ' ' + me);
  return { runId, verdict };
}
`,
  );
  return file;
}

export interface FleetWorkerSetup extends DaemonSetup {
  name: string;
}

/** A worker's own state dir and config: its name, its warm trees, its coordinator. */
export function workerSetup(
  name: string,
  trees: string[],
  coordinatorUrl: string,
  pipeline: string,
): FleetWorkerSetup {
  const setup = daemonSetup({
    fleet: {
      worker: { name, trees },
      coordinator: { url: coordinatorUrl },
      heartbeatSeconds: 1,
      deadAfterSeconds: 4,
    },
    daemon: { minFreeDiskGb: 0 },
  });
  return { ...setup, pipeline, name };
}

export function spawnWorker(
  w: FleetWorkerSetup,
  env: { engineUrl: string; token: string },
): Spawned {
  return spawnCli(w, ['worker'], {
    BPFCI_ENGINE_URL: env.engineUrl,
    BPFCI_WORKER_TOKEN: env.token,
  });
}
