import { rmSync } from 'node:fs';
import type { AppContext } from '../context.js';
import type { RunJob } from '../daemon/deps.js';
import { diskState } from '../daemon/disk-guard.js';
import type { Job, Outcome } from '../daemon/queue.js';
import { delay } from '../daemon/sleep.js';
import { createSlots } from '../daemon/slots.js';
import { loadTestResults } from '../db/runs.js';
import { BotError, errorMessage } from '../errors.js';
import { registerSecret } from '../log.js';
import { packArtifacts, pathsUnder } from './artifacts.js';
import { type CoordinatorClient, coordinatorClient } from './client.js';
import { engineUrl, runEngineWorker, treeFlag } from './engine.js';
import type { StartReply } from './hub.js';
import type { RemoteResult } from './receive.js';
import { remoteBaselines } from './remote-baselines.js';
import { importSeries } from './series-payload.js';

interface Held {
  claim: number;
  abort: AbortController;
}

/**
 * `bpfci worker`: takes jobs from the engine (its warm trees first), fetches each
 * series from the coordinator, runs the pipeline on this host's lanes, beats for it,
 * stops it when the coordinator says so, and sends the verdict, the test results and
 * the artifacts home. Resolves when `stop` fires and the running jobs have stopped
 * (they are dispatched again by the coordinator, to this worker or another).
 */
export async function runFleetWorker(ctx: AppContext, runJob: RunJob, stop: AbortSignal) {
  const f = ctx.config.fleet;
  if (!f?.worker || !f.coordinator.url) {
    throw new BotError(
      'CONFIG_INVALID',
      'bpfci worker needs fleet.worker and fleet.coordinator.url',
    );
  }
  const me = f.worker;
  const token = process.env[me.tokenEnv];
  if (!token)
    throw new BotError('CONFIG_INVALID', `fleet.worker.tokenEnv: ${me.tokenEnv} is not set`);
  registerSecret(token);
  const url = engineUrl(process.env, f.engineUrlEnv);
  const client = coordinatorClient(f.coordinator.url, token);
  const d = ctx.config.daemon;
  const concurrency = Math.max(d.maxConcurrentBuilds, d.maxConcurrentVms);
  const slots = createSlots({ build: d.maxConcurrentBuilds, vm: d.maxConcurrentVms });
  const held = new Map<number, Held>();
  const draining = new AbortController();
  const revoked = new AbortController();
  const log = ctx.log.child({ worker: me.name });

  const warmTrees = (): string[] => {
    const lanes = ctx.db.prepare<[], { tree: string }>('SELECT tree FROM lanes').all();
    return [...new Set([...me.trees, ...lanes.map((l) => l.tree)])];
  };
  /** Not while stopping, nor with the disk below daemon.minFreeDiskGb (as on one host). */
  function takesJobs(): boolean {
    return !draining.signal.aborted && !diskState(ctx.stateDir, d.minFreeDiskGb).low;
  }
  async function beat(): Promise<void> {
    const jobs = [...held].map(([id, h]) => ({ id, claim: h.claim }));
    const accepting = takesJobs();
    const { cancel } = await client.beat({
      trees: warmTrees(),
      accepting,
      slots: concurrency,
      jobs,
    });
    for (const id of cancel) held.get(id)?.abort.abort('cancelled');
  }

  // The first beat proves the token: a worker the coordinator refuses stops here.
  await beat();

  async function handle(payload: { jobId: number; claim: number }): Promise<void> {
    const { jobId, claim } = payload;
    const start = await client.start(jobId, claim);
    if ('refused' in start) {
      log.info({ jobId, claim, why: start.refused }, 'engine job dropped: not ours to run');
      return;
    }
    const abort = new AbortController();
    held.set(jobId, { claim, abort });
    const jobLog = log.child({ jobId, tree: start.tree });
    try {
      await runHeld(jobId, claim, start, abort, jobLog);
    } finally {
      held.delete(jobId);
    }
  }

  async function runHeld(
    jobId: number,
    claim: number,
    start: StartReply,
    abort: AbortController,
    jobLog: AppContext['log'],
  ): Promise<void> {
    jobLog.info({ trigger: start.trigger }, 'job started here');
    let outcome: Outcome;
    try {
      const seriesId = importSeries(ctx, start.series);
      outcome = await runJob({ ...ctx, log: jobLog }, localJob(jobId, claim, seriesId, start), {
        signal: abort.signal,
        draining: draining.signal,
        log: jobLog,
        slots,
        baselines: remoteBaselines(ctx, client),
      });
    } catch (err) {
      if (abort.signal.aborted) return stopped(abort, jobLog);
      const code = err instanceof BotError ? err.code : 'INTERNAL';
      const retryable = err instanceof BotError && err.retryable;
      jobLog.warn({ code, err: errorMessage(err) }, 'job failed here: the coordinator decides');
      await deliver(jobLog, () =>
        client.error(jobId, { claim, code, message: errorMessage(err), retryable }),
      );
      return;
    }
    if (abort.signal.aborted) return stopped(abort, jobLog);
    await ship(client, jobId, claim, outcome, jobLog);
  }

  function stopped(abort: AbortController, jobLog: AppContext['log']): void {
    const why = String(abort.signal.reason);
    jobLog.info(
      { why },
      why === 'cancelled' ? 'job cancelled: its processes were killed' : 'job stopped',
    );
  }

  async function ship(
    c: CoordinatorClient,
    jobId: number,
    claim: number,
    outcome: Outcome,
    jobLog: AppContext['log'],
  ): Promise<void> {
    const runs = outcome.runId === undefined ? [] : jobRuns(outcome.runId);
    const dirs = runs.map((r) => r.dir).filter((p): p is string => p !== null);
    const tarball = await packArtifacts(ctx.stateDir, [
      ...dirs,
      ...pathsUnder(outcome.verdict, ctx.stateDir),
    ]);
    const result: RemoteResult = {
      claim,
      stateDir: ctx.stateDir,
      seriesRunId: outcome.runId ?? -1,
      verdict: outcome.verdict as unknown as RemoteResult['verdict'],
      runs: runs.map((r) => r.remote),
    };
    const answer = await deliver(jobLog, async () => {
      await c.artifacts(jobId, claim, tarball);
      return c.result(jobId, result);
    });
    if (answer && !('refused' in answer)) {
      jobLog.info({ verdict: outcome.verdict.verdict, bytes: tarball.length }, 'verdict sent home');
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    }
  }

  function jobRuns(seriesRunId: number) {
    const rows = ctx.db
      .prepare<[number, number], RunRow>(
        `SELECT id, kind, patches, parent_id, status, started_at, finished_at, trigger, artifacts_dir
         FROM runs WHERE id = ? OR parent_id = ? ORDER BY id`,
      )
      .all(seriesRunId, seriesRunId);
    return rows.map((r) => ({
      dir: r.artifacts_dir,
      remote: {
        localId: r.id,
        kind: r.kind,
        patches: r.patches,
        parentLocalId: r.parent_id,
        status: r.status === 'running' ? 'done' : r.status,
        startedAt: r.started_at,
        finishedAt: r.finished_at,
        trigger: r.trigger,
        tests: loadTestResults(ctx.db, r.id),
      } as RemoteResult['runs'][number],
    }));
  }

  /** Delivery is retried with backoff while the coordinator is unreachable (nothing is lost). */
  async function deliver<T>(
    jobLog: AppContext['log'],
    send: () => Promise<T>,
  ): Promise<T | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        const answer = await send();
        if (answer && typeof answer === 'object' && 'refused' in answer) {
          jobLog.warn(
            { why: (answer as { refused: string }).refused },
            'the coordinator refused our report',
          );
        }
        return answer;
      } catch (err) {
        if (
          stop.aborted ||
          (err instanceof BotError && err.code === 'HTTP_AUTH') ||
          attempt >= 10
        ) {
          jobLog.error(
            { err: errorMessage(err), attempt },
            'report not delivered: the job runs again',
          );
          return undefined;
        }
        await delay(Math.min(60_000, 1000 * 2 ** attempt));
      }
    }
  }

  const runner = await runEngineWorker({
    url,
    log,
    concurrency,
    pollMs: 1000,
    // Every job carries its tree's flag: forbidding them all takes none.
    forbidden: async () =>
      takesJobs() ? (await client.forbidden()).flags : Object.keys(ctx.config.trees).map(treeFlag),
    handle,
  });
  // Beats start once the engine let us in too: a refused worker leaves nothing running.
  const beater = setInterval(() => {
    beat().catch((err: unknown) => {
      log.warn({ err: errorMessage(err) }, 'heartbeat failed');
      // A token revoked while we run: stop, as the first beat would have.
      if (err instanceof BotError && err.code === 'HTTP_AUTH') revoked.abort(err);
    });
  }, f.heartbeatSeconds * 1000);
  log.info({ trees: warmTrees(), concurrency, coordinator: f.coordinator.url }, 'worker started');

  const until = AbortSignal.any([stop, revoked.signal]);
  await new Promise<void>((resolve) => {
    if (until.aborted) resolve();
    until.addEventListener('abort', () => resolve(), { once: true });
  });
  // As on one host: no new job, the running ones get the grace, then their groups die.
  draining.abort('shutdown');
  const graceEnd = Date.now() + d.shutdownGraceSeconds * 1000;
  while (held.size > 0 && Date.now() < graceEnd) await delay(100);
  if (held.size > 0)
    log.warn({ jobs: [...held.keys()] }, 'shutdown grace over: killing running jobs');
  for (const h of held.values()) h.abort.abort('shutdown');
  await runner.stop();
  clearInterval(beater);
  // A last beat without the jobs: the coordinator gives them to another worker now.
  await beat().catch(() => {});
  log.info('worker stopped');
  if (revoked.signal.aborted) throw revoked.signal.reason;
}

interface RunRow {
  id: number;
  kind: 'series' | 'rerun' | 'bisect';
  patches: number | null;
  parent_id: number | null;
  status: 'running' | 'done' | 'infra' | 'error' | 'cancelled';
  started_at: string;
  finished_at: string | null;
  trigger: string | null;
  artifacts_dir: string | null;
}

/** The coordinator's job as this host runs it: its id and claim, the series as stored here. */
function localJob(id: number, claim: number, seriesId: number, start: StartReply): Job {
  const now = new Date().toISOString();
  return {
    id,
    seriesId,
    state: 'running',
    priority: 0,
    lane: start.tree,
    attempts: 1,
    recoveries: 0,
    claim,
    nextAttemptAt: now,
    enqueuedAt: now,
    startedAt: now,
    trigger: start.trigger,
    retests: start.retests,
  };
}
