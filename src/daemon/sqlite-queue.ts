import type { Db } from '../db/open.js';
import {
  type ClaimOptions,
  JOB_STATES,
  type Job,
  type JobQueue,
  type JobState,
  type NewJob,
  type Outcome,
  type RetryPlan,
} from './queue.js';

interface JobRow {
  id: number;
  series_id: number;
  state: JobState;
  priority: number;
  lane: string;
  attempts: number;
  recoveries: number;
  claims: number;
  next_attempt_at: string;
  enqueued_at: string;
  started_at: string | null;
  finished_at: string | null;
  heartbeat_at: string | null;
  pid: number | null;
  error_code: string | null;
  error: string | null;
  verdict: Job['verdict'] | null;
  run_id: number | null;
  trigger: string;
  retests: number;
}

function toJob(r: JobRow): Job {
  return {
    id: r.id,
    seriesId: r.series_id,
    state: r.state,
    priority: r.priority,
    lane: r.lane,
    attempts: r.attempts,
    recoveries: r.recoveries,
    claim: r.claims,
    nextAttemptAt: r.next_attempt_at,
    enqueuedAt: r.enqueued_at,
    startedAt: r.started_at ?? undefined,
    finishedAt: r.finished_at ?? undefined,
    heartbeatAt: r.heartbeat_at ?? undefined,
    pid: r.pid ?? undefined,
    errorCode: r.error_code ?? undefined,
    error: r.error ?? undefined,
    verdict: r.verdict ?? undefined,
    runId: r.run_id ?? undefined,
    trigger: r.trigger,
    retests: r.retests,
  };
}

// A claimable job: due, and on a lane where nothing runs (one job per lane) when the
// lanes are this host's; a fleet's workers have lanes of their own.
const claimable = (oneJobPerLane: boolean) => `
  SELECT * FROM jobs j
  WHERE j.state = 'queued' AND j.next_attempt_at <= ?
    ${oneJobPerLane ? "AND NOT EXISTS (SELECT 1 FROM jobs r WHERE r.state = 'running' AND r.lane = j.lane)" : ''}
  ORDER BY j.priority, j.id LIMIT 1`;

/**
 * The embedded queue: the jobs table in the bot's SQLite database. A fleet's
 * coordinator keeps it as the queue of record, without the one-job-per-lane rule.
 */
export function createSqliteQueue(db: Db, opts: { oneJobPerLane?: boolean } = {}): JobQueue {
  const CLAIMABLE = claimable(opts.oneJobPerLane ?? true);
  const byId = db.prepare<[number], JobRow>('SELECT * FROM jobs WHERE id = ?');
  const get = (id: number): Job | undefined => {
    const row = byId.get(id);
    return row ? toJob(row) : undefined;
  };
  // Every transition of a claimed job names the claim it holds (fencing).
  const held = 'WHERE id = @id AND state = @state AND claims = @claim';

  return {
    enqueue(job: NewJob, now: Date): Job | undefined {
      const info = db
        .prepare(
          `INSERT INTO jobs (series_id, state, priority, lane, next_attempt_at, enqueued_at)
           VALUES (?, 'queued', ?, ?, ?, ?) ON CONFLICT (series_id) DO NOTHING`,
        )
        .run(job.seriesId, job.priority, job.lane, now.toISOString(), now.toISOString());
      return info.changes === 1 ? get(Number(info.lastInsertRowid)) : undefined;
    },

    claim({ now, pid, onClaim }: ClaimOptions): Job | undefined {
      // IMMEDIATE takes the write lock first, so two claimers cannot pick one job.
      return db
        .transaction(() => {
          const iso = now.toISOString();
          const row = db.prepare<[string], JobRow>(CLAIMABLE).get(iso);
          if (!row) return undefined;
          db.prepare(
            `UPDATE jobs SET state = 'running', claims = claims + 1, attempts = attempts + 1,
               started_at = ?, heartbeat_at = ?, pid = ?, error_code = NULL, error = NULL
             WHERE id = ?`,
          ).run(iso, iso, pid, row.id);
          const job = get(row.id);
          if (job) onClaim?.(job);
          return job;
        })
        .immediate();
    },

    heartbeat(job: Job, now: Date): boolean {
      const info = db
        .prepare(`UPDATE jobs SET heartbeat_at = @now ${held}`)
        .run({ ...fence(job), now: now.toISOString() });
      return info.changes === 1;
    },

    complete(job: Job, outcome: Outcome, now: Date, effects?: () => void): boolean {
      return db
        .transaction(() => {
          const info = db
            .prepare(
              `UPDATE jobs SET state = 'done', finished_at = @now, verdict = @verdict,
                 verdict_json = @json, run_id = @runId, pid = NULL ${held}`,
            )
            .run({ ...fence(job), ...outcomeParams(outcome), now: now.toISOString() });
          if (info.changes !== 1) return false;
          effects?.();
          return true;
        })
        .immediate();
    },

    fail(job: Job, plan: RetryPlan, now: Date, final?: Outcome, effects?: () => void): boolean {
      return db
        .transaction(() => {
          const base = { ...fence(job), code: plan.code, message: plan.message };
          const info = plan.retryAt
            ? db
                .prepare(
                  // The next run says why it runs (the series page lists each run's trigger).
                  `UPDATE jobs SET state = 'queued', next_attempt_at = @at, pid = NULL,
                     error_code = @code, error = @message,
                     trigger = 'infra requeue (attempt ' || (attempts + 1) || ')' ${held}`,
                )
                .run({ ...base, at: plan.retryAt.toISOString() })
            : db
                .prepare(
                  `UPDATE jobs SET state = 'failed', finished_at = @now, pid = NULL,
                     error_code = @code, error = @message, verdict = @verdict,
                     verdict_json = @json, run_id = @runId ${held}`,
                )
                .run({ ...base, ...outcomeParams(final), now: now.toISOString() });
          if (info.changes !== 1) return false;
          effects?.();
          return true;
        })
        .immediate();
    },

    release(job: Job): boolean {
      const info = db
        .prepare(
          `UPDATE jobs SET state = 'queued', attempts = MAX(attempts - 1, 0), pid = NULL ${held}`,
        )
        .run(fence(job));
      return info.changes === 1;
    },

    cancel(seriesId: number, reason: string, now: Date): Job | undefined {
      return db
        .transaction(() => {
          const row = db
            .prepare<[number], JobRow>(
              `SELECT * FROM jobs WHERE series_id = ? AND state IN ('queued', 'running')`,
            )
            .get(seriesId);
          if (!row) return undefined;
          db.prepare(
            `UPDATE jobs SET state = 'cancelled', finished_at = ?, error_code = 'CANCELLED',
               error = ?, pid = NULL WHERE id = ?`,
          ).run(now.toISOString(), reason, row.id);
          return toJob(row);
        })
        .immediate();
    },

    retest(seriesId: number, trigger: string, now: Date): Job | undefined {
      // A fresh start: the attempts and recoveries of the last run are not this one's.
      const info = db
        .prepare(
          `UPDATE jobs SET state = 'queued', trigger = @trigger, retests = retests + 1,
             attempts = 0, recoveries = 0,
             next_attempt_at = @now, enqueued_at = @now, started_at = NULL, finished_at = NULL,
             pid = NULL, error_code = NULL, error = NULL
           WHERE series_id = @seriesId AND state IN ('done', 'failed', 'cancelled')`,
        )
        .run({ seriesId, trigger, now: now.toISOString() });
      if (info.changes !== 1) return undefined;
      const row = db
        .prepare<[number], JobRow>('SELECT * FROM jobs WHERE series_id = ?')
        .get(seriesId);
      return row ? toJob(row) : undefined;
    },

    orphaned(isOwnerAlive: (job: Job) => boolean): Job[] {
      const rows = db.prepare<[], JobRow>(`SELECT * FROM jobs WHERE state = 'running'`).all();
      return rows.map(toJob).filter((j) => !isOwnerAlive(j));
    },

    requeue(job: Job, now: Date): boolean {
      const info = db
        .prepare(
          `UPDATE jobs SET state = 'queued', recoveries = recoveries + 1, pid = NULL,
             attempts = MAX(attempts - 1, 0), next_attempt_at = @now,
             error_code = 'INTERRUPTED', error = 'the daemon stopped while the job ran' ${held}`,
        )
        .run({ ...fence(job), now: now.toISOString() });
      return info.changes === 1;
    },

    get,

    list(states: readonly JobState[], limit = 1000): Job[] {
      const marks = states.map(() => '?').join(', ');
      return db
        .prepare<unknown[], JobRow>(
          `SELECT * FROM jobs WHERE state IN (${marks}) ORDER BY priority, id LIMIT ?`,
        )
        .all(...states, limit)
        .map(toJob);
    },

    counts(): Record<JobState, number> {
      const out = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number>;
      const rows = db
        .prepare<[], { state: JobState; n: number }>(
          'SELECT state, COUNT(*) AS n FROM jobs GROUP BY state',
        )
        .all();
      for (const r of rows) out[r.state] = r.n;
      return out;
    },
  };
}

function fence(job: Job): { id: number; state: JobState; claim: number } {
  return { id: job.id, state: 'running', claim: job.claim };
}

function outcomeParams(outcome?: Outcome): {
  verdict: string | null;
  json: string | null;
  runId: number | null;
} {
  return {
    verdict: outcome?.verdict.verdict ?? null,
    json: outcome ? JSON.stringify(outcome.verdict) : null,
    runId: outcome?.runId ?? null,
  };
}
