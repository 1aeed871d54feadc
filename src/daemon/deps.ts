import type { AppContext } from '../context.js';
import type { Logger } from '../log.js';
import type { BaselineStore } from '../pipeline/baseline.js';
import type { Job, Outcome } from './queue.js';
import type { Slots } from './slots.js';

/**
 * What the daemon drives but does not own. Each is a narrow function so that tests
 * can hand in real pieces one by one, and wiring.ts binds the real modules.
 */
export interface JobIo {
  /** Hard stop: supersede or the end of the shutdown grace. Pass it to runCommand. */
  signal: AbortSignal;
  /** Soft stop: shutdown began. A runner may stop between stages (throw CANCELLED). */
  draining: AbortSignal;
  log: Logger;
  /** Global build / VM limits: wrap the build and the boot in slots.with('build' | 'vm'). */
  slots: Slots;
  /** Where baselines are shared: a fleet worker's is the coordinator's (default: local). */
  baselines?: BaselineStore;
}

/** Runs one job (one series revision) to a verdict; throws BotError for infrastructure. */
export type RunJob = (ctx: AppContext, job: Job, io: JobIo) => Promise<Outcome>;

export interface Reports {
  /** Writes the outbox rows for a verdict; runs inside the verdict's transaction. */
  enqueue(ctx: AppContext, job: Job, outcome: Outcome): void;
  /** Writes "pending" checks when a job starts; runs inside the claim's transaction. */
  started?(ctx: AppContext, job: Job): void;
  /** Sends what the outbox holds; `failed`: rows of this pass that failed for good. */
  deliver(ctx: AppContext, options: { dryRun: boolean }): Promise<{ failed: number }>;
}

export interface Sources {
  /** The configured sources and how often each is polled. */
  list(ctx: AppContext): { name: string; intervalSeconds: number }[];
  /** Polls one source; throws on failure (the daemon counts it by code). */
  poll(ctx: AppContext, name: string): Promise<void>;
  /** Lets go of what the pollers hold between polls (IMAP's connection and IDLE). */
  close?(): Promise<void>;
}

export interface DaemonDeps {
  sources: Sources;
  runJob: RunJob;
  reports: Reports;
  /** Resets a lane after its job was killed (optional: apply resets before each job). */
  resetLane?(ctx: AppContext, lane: string): Promise<void>;
  /** Removes lanes unused for `days` (optional: owned by the lanes module). */
  pruneLanes?(ctx: AppContext, days: number): Promise<void>;
}
