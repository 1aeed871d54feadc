import { describe, expect, it } from 'vitest';
import { feedQueue } from '../../../src/daemon/feed.js';
import { createSqliteQueue } from '../../../src/daemon/sqlite-queue.js';
import { verdict } from '../../helpers/daemon-deps.js';
import { seedSeries, supersede, tempContext } from '../../helpers/daemon-state.js';

const now = () => new Date();

describe('daemon/sqlite-queue', () => {
  it('claims the smallest series first and one job per lane', () => {
    const ctx = tempContext();
    const big = seedSeries(ctx.db, { total: 9 });
    const small = seedSeries(ctx.db, { total: 2 });
    const other = seedSeries(ctx.db, { total: 5, treeTag: 'bpf' });
    const queue = createSqliteQueue(ctx.db);

    feedQueue(ctx, queue, now());
    const first = queue.claim({ now: now(), pid: process.pid });
    const second = queue.claim({ now: now(), pid: process.pid });
    const third = queue.claim({ now: now(), pid: process.pid });

    expect(first?.seriesId).toBe(small);
    expect(first?.lane).toBe('bpf-next');
    expect(second?.seriesId).toBe(other);
    expect(second?.lane).toBe('bpf');
    expect(third).toBeUndefined();
    expect(queue.list(['queued']).map((j) => j.seriesId)).toEqual([big]);
  });

  it('orders FIFO with oldest-first and applies per-tree boosts', () => {
    const ctx = tempContext({
      daemon: { minFreeDiskGb: 0, priority: { order: 'oldest-first', trees: { bpf: -10 } } },
    });
    const a = seedSeries(ctx.db, { total: 9 });
    seedSeries(ctx.db, { total: 1 });
    const fix = seedSeries(ctx.db, { total: 3, treeTag: 'bpf' });
    const queue = createSqliteQueue(ctx.db);

    feedQueue(ctx, queue, now());

    expect(
      queue
        .list(['queued'])
        .map((j) => j.seriesId)
        .slice(0, 2),
    ).toEqual([fix, a]);
  });

  it('enqueues a series once however often it is fed', () => {
    const ctx = tempContext();
    seedSeries(ctx.db);
    seedSeries(ctx.db, { complete: false });
    const queue = createSqliteQueue(ctx.db);

    const first = feedQueue(ctx, queue, now());
    const again = feedQueue(ctx, queue, now());

    expect(first.enqueued).toHaveLength(1);
    expect(again.enqueued).toHaveLength(0);
    expect(queue.counts().queued).toBe(1);
  });

  it('cancels the queued or running job of a superseded revision', () => {
    const ctx = tempContext();
    const v1 = seedSeries(ctx.db, { version: 1 });
    const w1 = seedSeries(ctx.db, { version: 1, treeTag: 'bpf' });
    const queue = createSqliteQueue(ctx.db);
    feedQueue(ctx, queue, now());
    const running = queue.claim({ now: now(), pid: process.pid });
    const v2 = seedSeries(ctx.db, { version: 2, previousId: v1 });
    const w2 = seedSeries(ctx.db, { version: 2, previousId: w1, treeTag: 'bpf' });
    supersede(ctx.db, v1, v2);
    supersede(ctx.db, w1, w2);

    const fed = feedQueue(ctx, queue, now());

    expect(fed.cancelled.map((j) => j.seriesId).sort()).toEqual([v1, w1].sort());
    expect(fed.enqueued.map((j) => j.seriesId).sort()).toEqual([v2, w2].sort());
    expect(running && queue.get(running.id)?.state).toBe('cancelled');
  });

  it('fences a lost claim: a cancelled job can neither beat nor complete, nor report', () => {
    const ctx = tempContext();
    const s = seedSeries(ctx.db);
    const queue = createSqliteQueue(ctx.db);
    feedQueue(ctx, queue, now());
    const job = queue.claim({ now: now(), pid: process.pid });
    if (!job) throw new Error('no job');
    let effects = 0;

    queue.cancel(s, 'superseded', now());

    expect(queue.heartbeat(job, now())).toBe(false);
    expect(queue.complete(job, { verdict: verdict() }, now(), () => void effects++)).toBe(false);
    expect(effects).toBe(0);
    expect(queue.get(job.id)?.verdict).toBeUndefined();
  });

  it('rolls back the verdict when its report effects throw (both or neither)', () => {
    const ctx = tempContext();
    seedSeries(ctx.db);
    const queue = createSqliteQueue(ctx.db);
    feedQueue(ctx, queue, now());
    const job = queue.claim({ now: now(), pid: process.pid });
    if (!job) throw new Error('no job');

    expect(() =>
      queue.complete(job, { verdict: verdict('failure') }, now(), () => {
        throw new Error('outbox write failed');
      }),
    ).toThrow('outbox write failed');

    expect(queue.get(job.id)?.state).toBe('running');
    expect(queue.complete(job, { verdict: verdict('failure') }, now())).toBe(true);
    expect(queue.get(job.id)?.verdict).toBe('failure');
  });

  it('requeues on retry and respects next_attempt_at', () => {
    const ctx = tempContext();
    seedSeries(ctx.db);
    const queue = createSqliteQueue(ctx.db);
    feedQueue(ctx, queue, now());
    const job = queue.claim({ now: now(), pid: process.pid });
    if (!job) throw new Error('no job');
    const later = new Date(Date.now() + 3_600_000);

    queue.fail(job, { code: 'VM_FAILED', message: 'qemu died', retryAt: later }, now());

    expect(queue.claim({ now: now(), pid: process.pid })).toBeUndefined();
    const retried = queue.claim({ now: new Date(later.getTime() + 1), pid: process.pid });
    expect(retried?.attempts).toBe(2);
    expect(retried?.claim).toBe(2);
  });
});
