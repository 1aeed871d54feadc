import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../../src/context.js';
import type { RunJob } from '../../../src/daemon/deps.js';
import { feedQueue } from '../../../src/daemon/feed.js';
import { createSlots } from '../../../src/daemon/slots.js';
import { createSqliteQueue } from '../../../src/daemon/sqlite-queue.js';
import { createWorker, type Worker } from '../../../src/daemon/worker.js';
import { openDatabase } from '../../../src/db/open.js';
import { recordingDeps, until, verdict } from '../../helpers/daemon-deps.js';
import { seedSeries, tempContext } from '../../helpers/daemon-state.js';

const workers: Worker[] = [];
afterEach(async () => {
  for (const w of workers.splice(0)) await w.drain(5_000);
});

function start(ctx: AppContext, runJob: RunJob) {
  const { deps, rec } = recordingDeps(runJob);
  const queue = createSqliteQueue(ctx.db);
  const slots = createSlots({ build: 1, vm: 1 });
  const worker = createWorker({ ctx, queue, deps, slots, onVerdict: () => {} });
  workers.push(worker);
  void worker.run();
  return { worker, queue, rec };
}

/** The daemon restarted: a new connection to the same database file. */
function reopen(ctx: AppContext): AppContext {
  ctx.db.close();
  return { ...ctx, db: openDatabase(join(ctx.stateDir, 'bpfci.sqlite')) };
}

describe('daemon: infrastructure verdicts', () => {
  it('requeues an infra verdict with a not-before time that survives a restart, and stops after N attempts', async () => {
    let ctx = tempContext({
      daemon: {
        minFreeDiskGb: 0,
        idleSeconds: 1,
        heartbeatSeconds: 1,
        retry: { maxAttempts: 3, baseSeconds: 1, maxSeconds: 2 },
      },
    });
    seedSeries(ctx.db);
    let calls = 0;
    const infra: RunJob = async () => {
      calls += 1;
      return { verdict: verdict('infra'), runId: calls };
    };

    // Attempt 1: the verdict is reported, and the job goes back to the queue, not done.
    const first = start(ctx, infra);
    feedQueue(ctx, first.queue, new Date());
    first.worker.wake();
    await until(() => first.rec.enqueued.length === 1);
    const finishedAt = Date.now();
    await first.worker.drain(5_000);
    workers.splice(0);
    const queued = first.queue.get(1);
    expect(queued).toMatchObject({
      state: 'queued',
      attempts: 1,
      errorCode: 'INFRA_VERDICT',
      trigger: 'infra requeue (attempt 2)',
    });
    const notBefore = Date.parse(queued?.nextAttemptAt ?? '');
    // base 1 s, ±20 % jitter
    expect(notBefore).toBeGreaterThan(finishedAt + 500);
    const report1 = first.rec.enqueued[0]?.outcome;
    expect(report1?.verdict.verdict).toBe('infra');
    expect(report1?.retry).toEqual({
      attempt: 1,
      maxAttempts: 3,
      nextAt: queued?.nextAttemptAt,
    });

    // Restart: the attempt count and the not-before time are read back from the DB.
    ctx = reopen(ctx);
    const reread = createSqliteQueue(ctx.db).get(1);
    expect(reread).toMatchObject({ state: 'queued', attempts: 1 });
    expect(reread?.nextAttemptAt).toBe(queued?.nextAttemptAt);
    expect(createSqliteQueue(ctx.db).claim({ now: new Date(), pid: process.pid })).toBeUndefined();

    // Attempts 2 and 3 run after their backoff; the third is the last.
    const second = start(ctx, infra);
    second.worker.wake();
    await until(() => second.queue.get(1)?.state === 'done', 30_000);
    expect(calls).toBe(3);
    const done = second.queue.get(1);
    expect(done).toMatchObject({ state: 'done', attempts: 3, verdict: 'infra', runId: 3 });
    const retries = second.rec.enqueued.map((e) => e.outcome.retry);
    expect(retries).toHaveLength(2);
    expect(retries[0]).toMatchObject({ attempt: 2, maxAttempts: 3, nextAt: expect.any(String) });
    expect(retries[1]).toEqual({ attempt: 3, maxAttempts: 3 });
    expect(second.rec.started).toHaveLength(2);
  });

  it('a real verdict after an infra one ends the job as usual', async () => {
    const ctx = tempContext({
      daemon: {
        minFreeDiskGb: 0,
        idleSeconds: 1,
        retry: { maxAttempts: 3, baseSeconds: 1, maxSeconds: 1 },
      },
    });
    seedSeries(ctx.db);
    let calls = 0;
    const { worker, queue, rec } = start(ctx, async () => {
      calls += 1;
      return { verdict: verdict(calls === 1 ? 'infra' : 'failure') };
    });
    feedQueue(ctx, queue, new Date());
    worker.wake();
    await until(() => queue.get(1)?.state === 'done', 30_000);
    expect(queue.get(1)).toMatchObject({ verdict: 'failure', attempts: 2 });
    expect(rec.enqueued.map((e) => [e.outcome.verdict.verdict, e.outcome.retry?.attempt])).toEqual([
      ['infra', 1],
      ['failure', undefined],
    ]);
  });
});
