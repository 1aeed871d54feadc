import {
  Logger as EngineLogger,
  type LogLevel,
  makeWorkerUtils,
  type Runner,
  run,
  type Task,
  type WorkerUtils,
} from 'graphile-worker';
import { BotError } from '../errors.js';
import { type Logger, registerSecret } from '../log.js';

/**
 * The fleet's job engine: PostgreSQL with graphile-worker. It carries one thing, "job
 * N of the coordinator, claim C, for tree T", from the coordinator to a worker: SKIP
 * LOCKED hands each to one worker, LISTEN/NOTIFY wakes an idle one at once, and the
 * tree flag with forbiddenFlags gives a warm worker its tree first. Everything else
 * (the series, the verdict, the artifacts) goes over the coordinator's API, which
 * stays the authority on who holds what.
 */
export const TASK = 'bpfci_job';

export interface Dispatch {
  jobId: number;
  claim: number;
  tree: string;
  priority: number;
}

export const treeFlag = (tree: string): string => `tree:${tree}`;
const jobKey = (jobId: number): string => `bpfci:${jobId}`;

export function engineUrl(env: NodeJS.ProcessEnv, name: string): string {
  const url = env[name];
  if (!url) throw new BotError('CONFIG_INVALID', `fleet: ${name} is not set (the engine's URL)`);
  // The URL holds the password: never logged, whole or in part.
  registerSecret(url);
  const password = URL.canParse(url) ? decodeURIComponent(new URL(url).password) : '';
  if (password) registerSecret(password);
  return url;
}

/** graphile-worker's logging, through ours (debug is its per-poll chatter). */
function engineLogger(log: Logger): EngineLogger {
  return new EngineLogger(() => (level: LogLevel, message: string, meta?: unknown) => {
    const fields = { engine: true, ...(meta as object) };
    if (level === 'error') log.error(fields, message);
    else if (level === 'warning') log.warn(fields, message);
    else if (level === 'info') log.info(fields, message);
    else log.debug(fields, message);
  });
}

export interface EngineClient {
  /** Queues (or re-queues, under the same key) the job for any worker. */
  dispatch(d: Dispatch): Promise<void>;
  /** Takes a job no worker has started out of the engine. */
  withdraw(jobId: number): Promise<void>;
  close(): Promise<void>;
}

/** The coordinator's side: installs the engine's schema and adds jobs. */
export async function connectEngine(url: string, log: Logger): Promise<EngineClient> {
  const utils: WorkerUtils = await makeWorkerUtils({
    connectionString: url,
    logger: engineLogger(log),
  }).catch((err: unknown) => {
    throw new BotError('ENGINE_FAILED', `fleet engine: ${(err as Error).message}`, {
      retryable: true,
    });
  });
  await utils.migrate();
  return {
    async dispatch(d): Promise<void> {
      // The key makes a re-dispatch replace a job still queued, never add a second one.
      await utils.addJob(
        TASK,
        { jobId: d.jobId, claim: d.claim },
        {
          jobKey: jobKey(d.jobId),
          flags: [treeFlag(d.tree)],
          priority: d.priority,
          maxAttempts: 25,
        },
      );
    },
    async withdraw(jobId): Promise<void> {
      // remove_job deletes a queued job; a locked one is only kept from running again.
      await utils.withPgClient((pg) =>
        pg.query('SELECT graphile_worker.remove_job($1)', [jobKey(jobId)]),
      );
    },
    close: async () => {
      await utils.release();
    },
  };
}

export interface EngineRunnerOptions {
  url: string;
  log: Logger;
  concurrency: number;
  pollMs: number;
  /** Tree flags this worker must not take now (another worker is free and warm for them). */
  forbidden: () => Promise<string[]>;
  handle: (payload: { jobId: number; claim: number }, engineJobId: string) => Promise<void>;
}

/** The worker's side: takes jobs of the engine, warm tree first, and runs them. */
export async function runEngineWorker(opts: EngineRunnerOptions): Promise<Runner> {
  const task: Task = async (payload, helpers) => {
    const p = payload as { jobId?: unknown; claim?: unknown };
    if (typeof p.jobId !== 'number' || typeof p.claim !== 'number') {
      helpers.logger.error('malformed fleet job payload: dropped');
      return;
    }
    await opts.handle({ jobId: p.jobId, claim: p.claim }, helpers.job.id);
  };
  return run({
    connectionString: opts.url,
    concurrency: opts.concurrency,
    pollInterval: opts.pollMs,
    noHandleSignals: true,
    logger: engineLogger(opts.log),
    forbiddenFlags: opts.forbidden,
    // No cron: the daemon's schedule is node-cron's, on the coordinator.
    parsedCronItems: [],
    taskList: { [TASK]: task },
  }).catch((err: unknown) => {
    throw new BotError('ENGINE_FAILED', `fleet engine: ${(err as Error).message}`, {
      retryable: true,
    });
  });
}
