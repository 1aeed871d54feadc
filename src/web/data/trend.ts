import type { Db } from '../../db/open.js';

export interface TrendPoint {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  jobs: number;
  /** Share of verdicts that were success (infra outcomes left out). */
  passRate: number | null;
  /** Mean build and test (suites) time of that day's jobs. */
  buildSeconds: number | null;
  testSeconds: number | null;
}

const SQL = `
  WITH per_job AS (
    SELECT substr(j.finished_at, 1, 10) AS day, j.verdict,
      (SELECT SUM(json_extract(b.value, '$.durationMs')) FROM json_each(j.verdict_json, '$.build') b) AS build_ms,
      (SELECT SUM(json_extract(t.value, '$.durationMs')) FROM json_each(j.verdict_json, '$.boot.suites') t) AS test_ms
    FROM jobs j
    WHERE j.state IN ('done', 'failed') AND j.finished_at >= ?)
  SELECT day, COUNT(*) AS jobs,
    SUM(verdict = 'success') AS ok, SUM(verdict IN ('success', 'failure', 'warning')) AS judged,
    AVG(build_ms) AS build_ms, AVG(test_ms) AS test_ms
  FROM per_job GROUP BY day ORDER BY day`;

/** Per-day pass rate and build / test times over the last `days` days. */
export function trend(db: Db, days: number, now = new Date()): TrendPoint[] {
  const since = new Date(now.getTime() - days * 86_400_000).toISOString();
  return db
    .prepare<
      [string],
      {
        day: string;
        jobs: number;
        ok: number;
        judged: number;
        build_ms: number | null;
        test_ms: number | null;
      }
    >(SQL)
    .all(since)
    .map((r) => ({
      day: r.day,
      jobs: r.jobs,
      passRate: r.judged > 0 ? r.ok / r.judged : null,
      buildSeconds: r.build_ms === null ? null : r.build_ms / 1000,
      testSeconds: r.test_ms === null ? null : r.test_ms / 1000,
    }));
}
