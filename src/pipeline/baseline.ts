import { createHash } from 'node:crypto';
import type { AppContext } from '../context.js';
import { type BaselineClaim, type BaselineInputs, claimBaseline } from '../db/baselines.js';
import type { Db } from '../db/open.js';
import { finishRun, loadTestResults } from '../db/runs.js';
import { BotError } from '../errors.js';
import type { TestObservation } from '../verdict/observations.js';

export type { BaselineInputs } from '../db/baselines.js';

export type BaselineOutcome =
  | { state: 'ready'; runId: number; tests: TestObservation[] }
  | { state: 'infra'; runId: number; reason: string };

/** What a baseline producer returns: the base's test results, or why it could not get them. */
export type BaselineProduct =
  | { ok: true; tests: TestObservation[] }
  | { ok: false; reason: string };

/**
 * Where baselines are claimed and kept. The default is this host's database; a fleet
 * worker's store is the coordinator's (fleet/remote-baselines.ts), so that workers
 * share one baseline per key. `localRunId` is the run row on this host that the
 * producer writes its artifacts under, when it differs from the claimed run.
 */
export interface BaselineStore {
  claim(key: string, inputs: BaselineInputs, staleMs: number): Promise<StoreClaim>;
  tests(runId: number): Promise<TestObservation[]>;
  finish(
    claim: StoreClaim,
    end: { status: 'done' | 'infra' | 'cancelled' | 'error'; tests?: TestObservation[] },
  ): Promise<void>;
}

export type StoreClaim = BaselineClaim & { localRunId?: number };

/** The embedded store: the baselines table of this host's database. */
export function localBaselines(db: Db): BaselineStore {
  return {
    claim: async (key, inputs, staleMs) => claimBaseline(db, key, inputs, staleMs),
    tests: async (runId) => loadTestResults(db, runId),
    finish: async (claim, end) => finishRun(db, claim.runId, end),
  };
}

export interface EnsureOptions {
  staleMs: number;
  /** Where the claim lives (default: this host's database). */
  store?: BaselineStore;
  /** How often to look again while another worker runs the same baseline. */
  pollMs?: number;
  signal?: AbortSignal;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * The cache key of a baseline: every input that can change the base's results.
 * Any change (a new base commit, a config fragment, a compiler upgrade, another
 * suite or denylist) is a different key, so a stale baseline is never reused.
 */
export function baselineKey(inputs: BaselineInputs): string {
  const canonical = JSON.stringify([
    inputs.tree,
    inputs.baseSha,
    inputs.configHash,
    inputs.toolchain,
    inputs.suites,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

const inflight = new WeakMap<Db, Map<string, Promise<BaselineOutcome>>>();

/**
 * Returns the baseline of `inputs`, running it (through `produce`) only when no
 * finished one exists. Run once, shared by every series on that base: a second
 * request in this process awaits the first; one in another process sees the
 * claimed run in the DB and waits for it (taking it over if it goes stale). A
 * base that could not be tested (it does not build or boot) is stored as infra
 * and claimed again by the next request.
 */
export function ensureBaseline(
  ctx: AppContext,
  inputs: BaselineInputs,
  produce: (runId: number) => Promise<BaselineProduct>,
  opts: EnsureOptions,
): Promise<BaselineOutcome> {
  const key = baselineKey(inputs);
  const mine = inflight.get(ctx.db) ?? new Map<string, Promise<BaselineOutcome>>();
  inflight.set(ctx.db, mine);
  const running = mine.get(key);
  if (running) return running;
  const p = obtain(ctx, key, inputs, produce, opts).finally(() => mine.delete(key));
  mine.set(key, p);
  return p;
}

async function obtain(
  ctx: AppContext,
  key: string,
  inputs: BaselineInputs,
  produce: (runId: number) => Promise<BaselineProduct>,
  opts: EnsureOptions,
): Promise<BaselineOutcome> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const store = opts.store ?? localBaselines(ctx.db);
  for (;;) {
    if (opts.signal?.aborted)
      throw new BotError('CANCELLED', 'cancelled while waiting for a baseline');
    const claim = await store.claim(key, inputs, opts.staleMs);
    if (claim.state === 'ready') {
      return { state: 'ready', runId: claim.runId, tests: await store.tests(claim.runId) };
    }
    if (claim.state === 'busy') {
      ctx.log.info({ key, runId: claim.runId }, 'waiting for a baseline another worker is running');
      await sleep(opts.pollMs ?? 5_000);
      continue;
    }
    ctx.log.info(
      { key, runId: claim.runId, tree: inputs.tree, base: inputs.baseSha },
      'running baseline',
    );
    let product: BaselineProduct;
    try {
      product = await produce(claim.localRunId ?? claim.runId);
    } catch (err) {
      const cancelled = err instanceof BotError && err.code === 'CANCELLED';
      await store.finish(claim, { status: cancelled ? 'cancelled' : 'error' });
      throw err;
    }
    if (!product.ok) {
      await store.finish(claim, { status: 'infra' });
      return { state: 'infra', runId: claim.runId, reason: product.reason };
    }
    await store.finish(claim, { status: 'done', tests: product.tests });
    return { state: 'ready', runId: claim.runId, tests: product.tests };
  }
}
