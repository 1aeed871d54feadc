import type { AppContext } from '../context.js';
import type { Db } from '../db/open.js';
import { type FleetWorker, isAlive, listWorkers } from '../fleet/registry.js';
import { type DiskState, diskState } from './disk-guard.js';
import { listPolls, type SourcePoll } from './poll-stats.js';
import type { Job, JobState } from './queue.js';
import { createSqliteQueue } from './sqlite-queue.js';

export type OutboxState = 'pending' | 'sent' | 'failed' | 'skipped';
export type OutboxCounts = Record<'email' | 'check', Record<OutboxState, number>>;

export interface LaneState {
  tree: string;
  holderPid?: number;
  holderJob?: string;
  acquiredAt?: string;
  headSha?: string;
  updatedAt: string;
}

export interface StageTotals {
  count: number;
  seconds: number;
}

/**
 * Everything `bpfci status` prints and `/metrics` exports, read in one snapshot,
 * so that the two can never disagree.
 */
export interface StatusSnapshot {
  generatedAt: string;
  jobs: Record<JobState, number>;
  queueDepth: number;
  running: Job[];
  queued: Job[];
  sources: SourcePoll[];
  outbox: OutboxCounts;
  outboxBacklog: number;
  lanes: LaneState[];
  stages: Record<string, StageTotals>;
  disk: DiskState;
  /** A coordinator's workers, from their heartbeats (empty on one host). */
  fleet: (FleetWorker & { alive: boolean; heartbeatAgeSeconds: number })[];
}

export function collectStatus(ctx: AppContext, now = new Date()): StatusSnapshot {
  // One read transaction: a consistent view while the daemon keeps writing.
  return ctx.db
    .transaction(() => {
      const queue = createSqliteQueue(ctx.db);
      const jobs = queue.counts();
      const outbox = outboxCounts(ctx.db);
      return {
        generatedAt: now.toISOString(),
        jobs,
        queueDepth: jobs.queued,
        running: queue.list(['running']),
        queued: queue.list(['queued'], 100),
        sources: listPolls(ctx.db),
        outbox,
        outboxBacklog: outbox.email.pending + outbox.check.pending,
        lanes: lanes(ctx.db),
        stages: stageTotals(ctx.db),
        disk: diskState(ctx.stateDir, ctx.config.daemon.minFreeDiskGb),
        fleet: fleetWorkers(ctx, now),
      };
    })
    .deferred();
}

function fleetWorkers(ctx: AppContext, now: Date): StatusSnapshot['fleet'] {
  const deadAfterMs = (ctx.config.fleet?.deadAfterSeconds ?? 60) * 1000;
  // A worker taken out of the config can no longer connect: it is gone, not dead.
  const allowed = new Set(ctx.config.fleet?.workers.map((w) => w.name));
  return listWorkers(ctx.db)
    .filter((w) => allowed.has(w.name))
    .map((w) => ({
      ...w,
      alive: isAlive(w, deadAfterMs, now),
      heartbeatAgeSeconds: Math.round((now.getTime() - Date.parse(w.heartbeatAt)) / 1000),
    }));
}

function outboxCounts(db: Db): OutboxCounts {
  const zero = (): Record<OutboxState, number> => ({ pending: 0, sent: 0, failed: 0, skipped: 0 });
  const out: OutboxCounts = { email: zero(), check: zero() };
  const rows = db
    .prepare<[], { kind: 'email' | 'check'; state: OutboxState; n: number }>(
      'SELECT kind, state, COUNT(*) AS n FROM outbox GROUP BY kind, state',
    )
    .all();
  for (const r of rows) out[r.kind][r.state] = r.n;
  return out;
}

function lanes(db: Db): LaneState[] {
  return db
    .prepare<[], Record<string, string | number | null>>('SELECT * FROM lanes ORDER BY tree')
    .all()
    .map((r) => ({
      tree: String(r.tree),
      holderPid: (r.holder_pid as number | null) ?? undefined,
      holderJob: (r.job_id as string | null) ?? undefined,
      acquiredAt: (r.acquired_at as string | null) ?? undefined,
      headSha: (r.head_sha as string | null) ?? undefined,
      updatedAt: String(r.updated_at),
    }));
}

// Stage durations come from the stored verdicts (the pipeline's own measurements).
const STAGE_SQL = `
  SELECT 'build' AS stage, COUNT(*) AS n, SUM(json_extract(b.value, '$.durationMs')) AS ms
    FROM jobs j, json_each(j.verdict_json, '$.build') b WHERE j.verdict_json IS NOT NULL
  UNION ALL
  SELECT 'boot', COUNT(*), SUM(json_extract(j.verdict_json, '$.boot.durationMs'))
    FROM jobs j WHERE json_extract(j.verdict_json, '$.boot.durationMs') IS NOT NULL
  UNION ALL
  SELECT 'test', COUNT(*), SUM(json_extract(t.value, '$.durationMs'))
    FROM jobs j, json_each(j.verdict_json, '$.boot.suites') t WHERE j.verdict_json IS NOT NULL
  UNION ALL
  SELECT 'job', COUNT(*), SUM((julianday(finished_at) - julianday(started_at)) * 86400000)
    FROM jobs WHERE state = 'done' AND started_at IS NOT NULL AND finished_at IS NOT NULL`;

function stageTotals(db: Db): Record<string, StageTotals> {
  const rows = db.prepare<[], { stage: string; n: number; ms: number | null }>(STAGE_SQL).all();
  return Object.fromEntries(
    rows.map((r) => [r.stage, { count: r.n, seconds: Math.round(r.ms ?? 0) / 1000 }]),
  );
}
