import { join } from 'node:path';
import type { AppContext } from '../context.js';
import type { JobIo, RunJob } from '../daemon/deps.js';
import type { Job, Outcome } from '../daemon/queue.js';
import { type BaselineInputs, claimBaseline } from '../db/baselines.js';
import { finishRun, loadTestResults, setRunArtifacts } from '../db/runs.js';
import { BotError, ERROR_CODES, type ErrorCode } from '../errors.js';
import type { StoreClaim } from '../pipeline/baseline.js';
import type { TestObservation } from '../verdict/observations.js';
import { unpackArtifacts } from './artifacts.js';
import type { EngineClient } from './engine.js';
import { treeFlag } from './engine.js';
import { type RemoteResult, storeRemoteResult } from './receive.js';
import {
  type FleetWorker,
  getWorker,
  isAlive,
  listWorkers,
  recordBeat,
  recordChoice,
} from './registry.js';
import { exportSeries, type SeriesPayload } from './series-payload.js';

/** A job of ours out in the fleet: dispatched, maybe started by a worker, not yet back. */
interface Pending {
  job: Job;
  holder?: string;
  startedAt?: number;
  /** Times a worker died holding it, or let it go. */
  losses: number;
  settle: (o: Outcome) => void;
  fail: (e: unknown) => void;
}

export interface Beat {
  trees: string[];
  accepting: boolean;
  slots: number;
  jobs: { id: number; claim: number }[];
}

export type Refusal = { refused: string };
export interface StartReply {
  tree: string;
  trigger: string;
  retests: number;
  series: SeriesPayload;
}

/**
 * The coordinator's side of the fleet. The queue of record stays the embedded one:
 * the daemon claims a job as ever, and this hub's `runJob` hands it to the engine
 * and waits for a worker's result. Who holds a job, and with which claim, is decided
 * here, so a worker can only start, beat for and report on the job it holds, and a
 * result is accepted once. A worker silent for deadAfterSeconds is dead: its job goes
 * back to the engine for another worker, and its baseline claims are free again.
 */
export function createHub(ctx: AppContext, engine: EngineClient, now = () => new Date()) {
  const pending = new Map<number, Pending>();
  const baselineHolders = new Map<number, string>();
  const fleet = () => ctx.config.fleet;
  const deadAfterMs = () => (fleet()?.deadAfterSeconds ?? 60) * 1000;
  const worker = (name: string): FleetWorker | undefined => getWorker(ctx.db, name);
  const alive = (name: string | undefined) =>
    name !== undefined && isAlive(worker(name), deadAfterMs(), now());

  const runJob: RunJob = (_c, job: Job, io: JobIo) =>
    new Promise<Outcome>((settle, fail) => {
      pending.set(job.id, { job, losses: 0, settle, fail });
      const stop = () => {
        const p = pending.get(job.id);
        pending.delete(job.id);
        // A job no worker started leaves the engine; a started one is told at its next beat.
        if (!p?.holder) engine.withdraw(job.id).catch(() => {});
        fail(new BotError('CANCELLED', `job ${job.id} stopped: ${String(io.signal.reason)}`));
      };
      if (io.signal.aborted) return stop();
      io.signal.addEventListener('abort', stop, { once: true });
      engine
        .dispatch({ jobId: job.id, claim: job.claim, tree: job.lane, priority: job.priority })
        .then(() => io.log.info({ tree: job.lane }, 'job dispatched to the fleet'))
        .catch((err: unknown) => {
          pending.delete(job.id);
          fail(
            new BotError('ENGINE_FAILED', `dispatch: ${(err as Error).message}`, {
              retryable: true,
            }),
          );
        });
    });

  const held = (name: string, id: number, claim: number): Pending | undefined => {
    const p = pending.get(id);
    return p && p.job.claim === claim && p.holder === name ? p : undefined;
  };
  /** Every slot of the worker holds a job of ours. */
  const busy = (name: string) =>
    [...pending.values()].filter((p) => p.holder === name).length >= (worker(name)?.slots ?? 1);

  return {
    runJob,

    /** Records a worker's heartbeat; answers the jobs it must stop (cancelled, or not its). */
    beat(name: string, b: Beat): { cancel: number[] } {
      // A job this worker held that its beats no longer name was let go (the worker
      // restarted, or stopped it): it goes back to the engine for whoever is free.
      const grace = 2 * (fleet()?.heartbeatSeconds ?? 5) * 1000;
      for (const p of pending.values()) {
        const named = b.jobs.some((j) => j.id === p.job.id);
        if (p.holder !== name || named || now().getTime() - (p.startedAt ?? 0) < grace) continue;
        ctx.log.warn({ jobId: p.job.id, worker: name }, 'worker let its job go: dispatched again');
        redispatch(p);
      }
      recordBeat(
        ctx.db,
        { name, trees: b.trees, accepting: b.accepting, jobId: b.jobs[0]?.id, slots: b.slots },
        now(),
      );
      return { cancel: b.jobs.filter((j) => !held(name, j.id, j.claim)).map((j) => j.id) };
    },

    /**
     * The tree flags this worker must leave alone now: the trees of the other workers
     * that are alive, free and taking jobs, less its own. So a job goes to a worker warm
     * for its tree, and to another only when no such worker is free.
     */
    forbidden(name: string): string[] {
      const mine = new Set(worker(name)?.trees ?? []);
      const free = listWorkers(ctx.db).filter(
        (w) => w.name !== name && w.accepting && isAlive(w, deadAfterMs(), now()) && !busy(w.name),
      );
      const trees = new Set(free.flatMap((w) => w.trees).filter((t) => !mine.has(t)));
      return [...trees].map(treeFlag);
    },

    start(name: string, id: number, claim: number): StartReply | Refusal {
      const p = pending.get(id);
      if (!p || p.job.claim !== claim)
        return { refused: 'no such job or claim: it was cancelled or ran elsewhere' };
      if (p.holder && p.holder !== name && alive(p.holder))
        return { refused: `held by ${p.holder}` };
      p.holder = name;
      p.startedAt = now().getTime();
      const warm = worker(name)?.trees.includes(p.job.lane) ?? false;
      const why = warm ? 'warm' : `no free worker warm for ${p.job.lane}`;
      recordChoice(ctx.db, name, `job ${id} (${p.job.lane}): ${why}`);
      ctx.log.info(
        { jobId: id, worker: name, tree: p.job.lane, warm },
        `job ${id} to ${name}: ${why}`,
      );
      return {
        tree: p.job.lane,
        trigger: p.job.trigger,
        retests: p.job.retests,
        series: exportSeries(ctx.db, p.job.seriesId),
      };
    },

    /** The holder's pipeline threw: the daemon plans a retry (or gives up) as on one host. */
    error(
      name: string,
      id: number,
      f: { claim: number; code: string; message: string; retryable: boolean },
    ) {
      const p = held(name, id, f.claim);
      if (!p) return { refused: 'not the holder of this job and claim' };
      pending.delete(id);
      const code = (f.code in ERROR_CODES ? f.code : 'INTERNAL') as ErrorCode;
      p.fail(new BotError(code, `on ${name}: ${f.message}`, { retryable: f.retryable }));
      return { accepted: true };
    },

    /** Stores a result from the job's holder, once; a repeat or a stranger is refused. */
    async result(name: string, id: number, body: RemoteResult, tarball: Buffer) {
      const p = held(name, id, body.claim);
      if (!p)
        return {
          refused: 'not the holder of this job and claim (already reported, or taken away)',
        };
      const dest = join(ctx.stateDir, 'fleet', name, `job-${id}-${body.claim}`);
      await unpackArtifacts(tarball, dest, maxUpload());
      if (pending.get(id) !== p) return { refused: 'taken away while the artifacts arrived' };
      const outcome = storeRemoteResult(ctx, p.job, body, dest);
      pending.delete(id);
      p.settle(outcome);
      return { accepted: true };
    },

    baselineClaim(name: string, key: string, inputs: BaselineInputs, staleMs: number): StoreClaim {
      // No holder known: the claim is from before this coordinator started (its worker's
      // job was re-run since), so nobody will finish it.
      const holderAlive = (runId: number) => alive(baselineHolders.get(runId));
      const claim = claimBaseline(ctx.db, key, inputs, staleMs, now(), holderAlive);
      if (claim.state === 'claimed') baselineHolders.set(claim.runId, name);
      return claim;
    },

    baselineTests: (runId: number): TestObservation[] => loadTestResults(ctx.db, runId),

    async baselineFinish(
      name: string,
      runId: number,
      end: {
        status: 'done' | 'infra' | 'cancelled' | 'error';
        tests?: TestObservation[];
        stateDir?: string;
      },
      tarball: Buffer,
    ) {
      if (baselineHolders.get(runId) !== name)
        return { refused: `baseline run ${runId} is not held by ${name}` };
      const dest = join(ctx.stateDir, 'runs', String(runId));
      await unpackArtifacts(tarball, dest, maxUpload());
      setRunArtifacts(ctx.db, runId, dest);
      finishRun(ctx.db, runId, { status: end.status, tests: end.tests });
      baselineHolders.delete(runId);
      return { accepted: true };
    },

    /** A dead worker's job goes back to the engine, under the same claim, for another. */
    sweep(): void {
      for (const p of pending.values()) {
        if (!p.holder || alive(p.holder)) continue;
        ctx.log.warn(
          { jobId: p.job.id, worker: p.holder },
          'worker dead: its job goes to another worker',
        );
        redispatch(p);
      }
    },

    /** Jobs in flight, for the worker loop's limit: the live workers' slots. */
    capacity(): number {
      const live = listWorkers(ctx.db).filter(
        (w) => w.accepting && isAlive(w, deadAfterMs(), now()),
      );
      return Math.max(
        1,
        live.reduce((n, w) => n + w.slots, 0),
      );
    },
  };

  /** Back to the engine for another worker; a job that keeps losing them is given up. */
  function redispatch(p: Pending): void {
    p.losses += 1;
    const max = ctx.config.daemon.retry.maxRecoveries;
    if (p.losses > max) {
      pending.delete(p.job.id);
      ctx.log.warn(
        { jobId: p.job.id, losses: p.losses },
        'job lost its worker too often: given up',
      );
      p.fail(
        new BotError('INTERRUPTED', `its worker was lost ${p.losses} times`, { retryable: false }),
      );
      return;
    }
    p.holder = undefined;
    p.startedAt = undefined;
    const { id, claim, lane, priority } = p.job;
    engine.dispatch({ jobId: id, claim, tree: lane, priority }).catch((err: unknown) => {
      ctx.log.error({ err, jobId: id }, 'fleet: dispatching again failed');
      pending.delete(id);
      p.fail(
        new BotError('ENGINE_FAILED', `dispatch: ${(err as Error).message}`, { retryable: true }),
      );
    });
  }

  function maxUpload(): number {
    return (fleet()?.coordinator.maxUploadMb ?? 512) * 1024 * 1024;
  }
}

export type Hub = ReturnType<typeof createHub>;
