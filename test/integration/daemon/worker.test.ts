import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../../src/context.js';
import type { RunJob } from '../../../src/daemon/deps.js';
import { feedQueue } from '../../../src/daemon/feed.js';
import { createSlots } from '../../../src/daemon/slots.js';
import { createSqliteQueue } from '../../../src/daemon/sqlite-queue.js';
import { createWorker, type Worker } from '../../../src/daemon/worker.js';
import { BotError } from '../../../src/errors.js';
import { runCommand } from '../../../src/exec/run.js';
import { pidAlive, recordingDeps, until, verdict } from '../../helpers/daemon-deps.js';
import { seedSeries, supersede, tempContext } from '../../helpers/daemon-state.js';

const workers: Worker[] = [];
afterEach(async () => {
  for (const w of workers.splice(0)) await w.drain(5_000);
});

function start(ctx: AppContext, runJob: RunJob) {
  const { deps, rec } = recordingDeps(runJob);
  const queue = createSqliteQueue(ctx.db);
  const d = ctx.config.daemon;
  const slots = createSlots({ build: d.maxConcurrentBuilds, vm: d.maxConcurrentVms });
  const worker = createWorker({ ctx, queue, deps, slots, onVerdict: () => {} });
  workers.push(worker);
  void worker.run();
  return { worker, queue, rec, deps };
}

/** A job whose process group is a shell with a background child, both writing their pids. */
function sleeperJob(ctx: AppContext): RunJob {
  return async (_c, job, io) => {
    const pids = join(ctx.stateDir, `pids-${job.id}`);
    const r = await runCommand(
      ['sh', '-c', `sleep 300 & echo $! > ${pids}; echo $$ >> ${pids}; wait`],
      {
        signal: io.signal,
      },
    );
    if (r.cancelled) throw new BotError('CANCELLED');
    return { verdict: verdict() };
  };
}

function pidsOf(ctx: AppContext, jobId: number): number[] {
  try {
    return readFileSync(join(ctx.stateDir, `pids-${jobId}`), 'utf8')
      .trim()
      .split('\n')
      .map(Number);
  } catch {
    return [];
  }
}

describe('daemon/worker', () => {
  it('runs jobs to verdicts and reports each exactly once', async () => {
    const ctx = tempContext();
    const ids = [seedSeries(ctx.db), seedSeries(ctx.db, { treeTag: 'bpf' }), seedSeries(ctx.db)];
    const { worker, queue, rec } = start(ctx, async (_c, job) => ({
      verdict: verdict(job.seriesId === ids[1] ? 'failure' : 'success'),
    }));

    feedQueue(ctx, queue, new Date());
    worker.wake();
    await until(() => queue.counts().done === 3);

    expect(rec.enqueued.map((e) => e.jobId).sort()).toEqual(
      queue
        .list(['done'])
        .map((j) => j.id)
        .sort(),
    );
    expect(rec.started).toHaveLength(3);
    const failed = queue.list(['done']).find((j) => j.seriesId === ids[1]);
    expect(failed?.verdict).toBe('failure');
  });

  it('kills the whole process group of a superseded running job and leaves no orphan', async () => {
    const ctx = tempContext();
    const v1 = seedSeries(ctx.db, { version: 1 });
    const { worker, queue, rec } = start(ctx, sleeperJob(ctx));
    feedQueue(ctx, queue, new Date());
    worker.wake();
    await until(() => pidsOf(ctx, 1).length === 2);
    const pids = pidsOf(ctx, 1);
    expect(pids.every(pidAlive)).toBe(true);

    const v2 = seedSeries(ctx.db, { version: 2, previousId: v1 });
    supersede(ctx.db, v1, v2);
    const fed = feedQueue(ctx, queue, new Date());
    for (const j of fed.cancelled) worker.abort(j.id, 'cancelled');
    await until(() => worker.running().every((j) => j.seriesId !== v1));

    await until(() => pids.every((p) => !pidAlive(p)));
    expect(queue.list(['cancelled']).map((j) => j.seriesId)).toEqual([v1]);
    expect(rec.enqueued.filter((e) => e.jobId === 1)).toHaveLength(0);
    expect(rec.resets).toEqual(['bpf-next']);
  });

  it('notices a cancel made by another process through the heartbeat', async () => {
    const ctx = tempContext();
    const s = seedSeries(ctx.db);
    const { worker, queue } = start(ctx, sleeperJob(ctx));
    feedQueue(ctx, queue, new Date());
    worker.wake();
    await until(() => pidsOf(ctx, 1).length === 2);
    const pids = pidsOf(ctx, 1);

    createSqliteQueue(ctx.db).cancel(s, 'cancelled elsewhere', new Date());

    await until(() => worker.running().length === 0);
    await until(() => pids.every((p) => !pidAlive(p)));
    expect(queue.get(1)?.state).toBe('cancelled');
  });

  it('retries an infrastructure error with backoff, then gives up as infra, reported once', async () => {
    const ctx = tempContext({
      daemon: {
        minFreeDiskGb: 0,
        idleSeconds: 1,
        retry: { maxAttempts: 2, baseSeconds: 1, maxSeconds: 1 },
      },
    });
    seedSeries(ctx.db);
    let calls = 0;
    const { worker, queue, rec } = start(ctx, async () => {
      calls += 1;
      throw new BotError('VM_FAILED', 'qemu could not start');
    });
    feedQueue(ctx, queue, new Date());
    worker.wake();

    await until(() => queue.counts().failed === 1);

    const job = queue.get(1);
    expect(calls).toBe(2);
    expect(job?.attempts).toBe(2);
    expect(job?.errorCode).toBe('VM_FAILED');
    expect(job?.verdict).toBe('infra');
    expect(rec.enqueued).toHaveLength(1);
    expect(rec.enqueued[0]?.outcome.verdict.verdict).toBe('infra');
  });

  it('does not retry a non-retryable error', async () => {
    const ctx = tempContext();
    seedSeries(ctx.db);
    let calls = 0;
    const { worker, queue } = start(ctx, async () => {
      calls += 1;
      throw new BotError('TOOL_MISSING', 'no qemu');
    });
    feedQueue(ctx, queue, new Date());
    worker.wake();
    await until(() => queue.counts().failed === 1);
    expect(calls).toBe(1);
  });

  it('never runs two jobs of one lane, and caps jobs by the build/VM limits', async () => {
    const ctx = tempContext({
      daemon: { minFreeDiskGb: 0, idleSeconds: 1, maxConcurrentBuilds: 2, maxConcurrentVms: 2 },
    });
    for (let i = 0; i < 3; i++) seedSeries(ctx.db);
    for (let i = 0; i < 3; i++) seedSeries(ctx.db, { treeTag: 'bpf' });
    const active = new Map<string, number>();
    let maxPerLane = 0;
    let maxTotal = 0;
    let maxBuilds = 0;
    const { worker, queue } = start(ctx, async (_c, job, io) => {
      active.set(job.lane, (active.get(job.lane) ?? 0) + 1);
      maxPerLane = Math.max(maxPerLane, ...active.values());
      maxTotal = Math.max(
        maxTotal,
        [...active.values()].reduce((a, b) => a + b, 0),
      );
      await io.slots.with('build', async () => {
        maxBuilds = Math.max(maxBuilds, io.slots.inUse('build'));
        await runCommand(['sleep', '0.2'], { signal: io.signal });
      });
      active.set(job.lane, (active.get(job.lane) ?? 1) - 1);
      return { verdict: verdict() };
    });
    feedQueue(ctx, queue, new Date());
    worker.wake();

    await until(() => queue.counts().done === 6);

    expect(maxPerLane).toBe(1);
    expect(maxTotal).toBe(2);
    expect(maxBuilds).toBeLessThanOrEqual(2);
  });

  it('refuses new jobs while the disk is below the threshold', async () => {
    const ctx = tempContext({ daemon: { minFreeDiskGb: 1e9, idleSeconds: 1 } });
    seedSeries(ctx.db);
    let calls = 0;
    const { worker, queue } = start(ctx, async () => {
      calls += 1;
      return { verdict: verdict() };
    });
    feedQueue(ctx, queue, new Date());
    worker.wake();

    await until(() => worker.diskLow());
    expect(calls).toBe(0);
    expect(queue.counts().queued).toBe(1);

    ctx.config = { ...ctx.config, daemon: { ...ctx.config.daemon, minFreeDiskGb: 0 } };
    worker.wake();
    await until(() => queue.counts().done === 1);
    expect(worker.diskLow()).toBe(false);
  });

  it('on shutdown waits within the grace, then kills the job and gives it back', async () => {
    const ctx = tempContext();
    seedSeries(ctx.db);
    const { worker, queue, rec } = start(ctx, sleeperJob(ctx));
    feedQueue(ctx, queue, new Date());
    worker.wake();
    await until(() => pidsOf(ctx, 1).length === 2);
    const pids = pidsOf(ctx, 1);

    await worker.drain(200);

    await until(() => pids.every((p) => !pidAlive(p)), 5_000);
    const job = queue.get(1);
    expect(job?.state).toBe('queued');
    expect(job?.attempts).toBe(0);
    expect(rec.enqueued).toHaveLength(0);
  });
});
