import { describe, expect, it } from 'vitest';
import { feedQueue } from '../../../src/daemon/feed.js';
import { recoverJobs } from '../../../src/daemon/recovery.js';
import { createSqliteQueue } from '../../../src/daemon/sqlite-queue.js';
import { runCommand } from '../../../src/exec/run.js';
import { recordingDeps, verdict } from '../../helpers/daemon-deps.js';
import { seedSeries, tempContext } from '../../helpers/daemon-state.js';

/** The pid of a process that has exited (a real daemon that died). */
async function deadPid(): Promise<number> {
  const r = await runCommand(['sh', '-c', 'echo $$']);
  return Number(r.stdoutTail.trim());
}

describe('daemon/recovery', () => {
  it('requeues jobs of a dead daemon and of our own previous incarnation, not of a live one', async () => {
    const trees = {
      bpf: { upstream: '/b' },
      'bpf-next': { upstream: '/n' },
      x: { upstream: '/x' },
    };
    const ctx = tempContext({ trees });
    for (const tag of Object.keys(trees)) seedSeries(ctx.db, { treeTag: tag });
    const queue = createSqliteQueue(ctx.db);
    feedQueue(ctx, queue, new Date());
    const dead = queue.claim({ now: new Date(), pid: await deadPid() });
    const mine = queue.claim({ now: new Date(), pid: process.pid });
    const live = queue.claim({ now: new Date(), pid: process.ppid });
    const { deps, rec } = recordingDeps(async () => ({ verdict: verdict() }));

    const recovered = recoverJobs(ctx, queue, deps, () => false, new Date());

    expect(recovered.map((j) => j.id).sort()).toEqual([dead?.id, mine?.id].sort());
    expect(queue.get(dead?.id ?? 0)).toMatchObject({ state: 'queued', recoveries: 1, attempts: 0 });
    expect(queue.get(live?.id ?? 0)?.state).toBe('running');
    expect(rec.enqueued).toHaveLength(0);
  });

  it('takes back a job whose live owner stopped beating', async () => {
    const ctx = tempContext({ daemon: { minFreeDiskGb: 0, staleAfterSeconds: 60 } });
    seedSeries(ctx.db);
    const queue = createSqliteQueue(ctx.db);
    const long = new Date(Date.now() - 3_600_000);
    feedQueue(ctx, queue, long);
    const job = queue.claim({ now: long, pid: process.ppid });
    expect(job).toBeDefined();
    const { deps } = recordingDeps(async () => ({ verdict: verdict() }));

    recoverJobs(ctx, queue, deps, () => false, new Date());

    expect(queue.get(job?.id ?? 0)?.state).toBe('queued');
  });

  it('gives up a job that keeps taking the daemon down, reporting infra once', async () => {
    const ctx = tempContext({ daemon: { minFreeDiskGb: 0, retry: { maxRecoveries: 2 } } });
    seedSeries(ctx.db);
    const queue = createSqliteQueue(ctx.db);
    const { deps, rec } = recordingDeps(async () => ({ verdict: verdict() }));
    feedQueue(ctx, queue, new Date());

    for (let crash = 0; crash < 3; crash++) {
      queue.claim({ now: new Date(), pid: await deadPid() });
      recoverJobs(ctx, queue, deps, () => false, new Date());
    }

    const job = queue.get(1);
    expect(job).toMatchObject({ state: 'failed', errorCode: 'INTERRUPTED', verdict: 'infra' });
    expect(rec.enqueued).toHaveLength(1);
  });
});
