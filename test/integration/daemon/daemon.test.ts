import { mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDaemon } from '../../../src/daemon/daemon.js';
import type { DaemonDeps } from '../../../src/daemon/deps.js';
import { runOnce } from '../../../src/daemon/once.js';
import { listPolls } from '../../../src/daemon/poll-stats.js';
import { pruneOlderThan, pruneState } from '../../../src/daemon/retention.js';
import { createSqliteQueue } from '../../../src/daemon/sqlite-queue.js';
import { collectStatus } from '../../../src/daemon/status.js';
import { BotError } from '../../../src/errors.js';
import { runCommand } from '../../../src/exec/run.js';
import { recordBeat } from '../../../src/fleet/registry.js';
import { recordingDeps, until, verdict } from '../../helpers/daemon-deps.js';
import { seedSeries, supersede, tempContext } from '../../helpers/daemon-state.js';

describe('daemon (in process)', () => {
  it('polls each source on its node-cron schedule, counts errors per source, feeds the queue', async () => {
    const ctx = tempContext();
    const { deps, rec } = recordingDeps(async () => ({ verdict: verdict() }));
    const polls: string[] = [];
    deps.sources = {
      list: () => [
        { name: 'lore', intervalSeconds: 1 },
        { name: 'patchwork', intervalSeconds: 1 },
      ],
      async poll(c, name) {
        polls.push(name);
        if (name === 'patchwork') throw new BotError('HTTP_FAILED', 'HTTP 503');
        // A poll that brings a series: the daemon turns it into a job.
        if (polls.filter((p) => p === 'lore').length === 1) seedSeries(c.db);
      },
    };
    const queue = createSqliteQueue(ctx.db);
    const daemon = startDaemon(ctx, deps, queue, { dryRun: true });

    await until(
      () => polls.filter((p) => p === 'patchwork').length >= 2 && queue.counts().done === 1,
    );
    await daemon.stop();

    const stats = Object.fromEntries(listPolls(ctx.db).map((p) => [p.source, p]));
    expect(stats.patchwork?.errorsTotal).toBe(stats.patchwork?.pollsTotal);
    expect(stats.patchwork?.lastErrorCode).toBe('HTTP_FAILED');
    expect(stats.lore?.errorsTotal).toBe(0);
    expect(stats.lore?.lastOkAt).toBeDefined();
    expect(rec.enqueued).toHaveLength(1);
    expect(rec.delivered).toBeGreaterThan(0);
  });

  it('kills a running job when a newer revision of its series arrives', async () => {
    const ctx = tempContext();
    const v1 = seedSeries(ctx.db, { version: 1 });
    let started = 0;
    const { deps, rec } = recordingDeps(async (_c, job, io) => {
      started += 1;
      const r = await runCommand(['sleep', job.seriesId === v1 ? '300' : '0.1'], {
        signal: io.signal,
      });
      if (r.cancelled) throw new BotError('CANCELLED');
      return { verdict: verdict() };
    });
    const queue = createSqliteQueue(ctx.db);
    const daemon = startDaemon(ctx, deps, queue, { dryRun: true });
    await until(() => started === 1);

    const v2 = seedSeries(ctx.db, { version: 2, previousId: v1 });
    supersede(ctx.db, v1, v2);
    daemon.feed();

    await until(() => queue.counts().done === 1);
    await daemon.stop();
    const jobs = queue.list(['done', 'cancelled']);
    expect(jobs.map((j) => [j.seriesId, j.state])).toEqual([
      [v1, 'cancelled'],
      [v2, 'done'],
    ]);
    expect(rec.enqueued.map((e) => e.jobId)).toEqual([jobs[1]?.id]);
  });

  it('reload swaps the config: new limits and schedules', async () => {
    const ctx = tempContext();
    const { deps } = recordingDeps(async () => ({ verdict: verdict() }));
    const daemon = startDaemon(ctx, deps, createSqliteQueue(ctx.db), { dryRun: true });
    const next = { ...ctx.config, daemon: { ...ctx.config.daemon, maxConcurrentBuilds: 3 } };

    daemon.reload(next);
    await daemon.stop();

    expect(ctx.config.daemon.maxConcurrentBuilds).toBe(3);
  });

  it('--once polls every source once, runs every job, delivers, and returns', async () => {
    const ctx = tempContext();
    for (let i = 0; i < 3; i++) seedSeries(ctx.db, { treeTag: i ? 'bpf' : 'bpf-next' });
    const { deps, rec } = recordingDeps(async () => ({ verdict: verdict('failure') }));
    const polled: string[] = [];
    const sources: DaemonDeps['sources'] = {
      list: () => [{ name: 'lore', intervalSeconds: 60 }],
      poll: async (_c, name) => void polled.push(name),
    };

    const summary = await runOnce(ctx, { ...deps, sources }, createSqliteQueue(ctx.db), {
      dryRun: true,
    });

    expect(polled).toEqual(['lore']);
    expect(summary.jobs.done).toBe(3);
    expect(rec.enqueued).toHaveLength(3);
    expect(rec.delivered).toBe(1);
    expect(collectStatus(ctx).jobs.done).toBe(3);
  });
});

describe('daemon/status of a fleet', () => {
  it('shows the configured workers, alive or dead, and not one taken out of the config', () => {
    const ctx = tempContext({
      fleet: {
        workers: [
          { name: 'wa', tokenEnv: 'WA_TOKEN' },
          { name: 'wb', tokenEnv: 'WB_TOKEN' },
        ],
      },
    });
    const now = new Date();
    const beat = (name: string, at: Date) =>
      recordBeat(ctx.db, { name, trees: ['bpf'], accepting: true, slots: 1 }, at);
    beat('wa', now);
    beat('wb', new Date(now.getTime() - 600_000));
    beat('retired', now);
    const fleet = collectStatus(ctx, now).fleet.map((w) => [w.name, w.alive]);
    expect(fleet).toEqual([
      ['wa', true],
      ['wb', false],
    ]);
  });
});

describe('daemon/retention', () => {
  it('prunes run artifacts older than the cutoff and keeps the rest', () => {
    const ctx = tempContext();
    const runs = join(ctx.stateDir, 'runs');
    for (const name of ['old', 'new']) {
      mkdirSync(join(runs, name, 'build'), { recursive: true });
      writeFileSync(join(runs, name, 'build', 'log'), 'x');
    }
    const longAgo = new Date(Date.now() - 40 * 86_400_000);
    utimesSync(join(runs, 'old'), longAgo, longAgo);

    const removed = pruneOlderThan(runs, new Date(Date.now() - 30 * 86_400_000));

    expect(removed).toEqual(['old']);
    expect(pruneOlderThan(join(ctx.stateDir, 'missing'), new Date())).toEqual([]);
  });

  it("prunes a coordinator's artifacts from its fleet workers by the same cutoff", async () => {
    const ctx = tempContext();
    const worker = join(ctx.stateDir, 'fleet', 'wa');
    for (const name of ['job-1-1', 'job-2-1']) mkdirSync(join(worker, name), { recursive: true });
    const longAgo = new Date(Date.now() - 40 * 86_400_000);
    utimesSync(join(worker, 'job-1-1'), longAgo, longAgo);
    utimesSync(worker, longAgo, longAgo);

    await pruneState(ctx, {} as DaemonDeps, new Date());

    expect(readdirSync(worker)).toEqual(['job-2-1']);
  });
});
