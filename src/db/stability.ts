import type { TestObservation } from '../verdict/observations.js';
import type { Db } from './open.js';

export interface Stability {
  passes: number;
  fails: number;
  /** Times the judge saw this test both pass and fail on the same kernel. */
  flakyCount: number;
}

/** Counts every pass and fail the bot observed, per test name. Skips say nothing. */
export function recordObservations(db: Db, tests: TestObservation[], now = new Date()): void {
  const upsert = db.prepare(
    `INSERT INTO test_stability (suite, name, passes, fails, last_seen) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (suite, name) DO UPDATE SET passes = passes + excluded.passes,
       fails = fails + excluded.fails, last_seen = excluded.last_seen`,
  );
  db.transaction(() => {
    for (const t of tests) {
      if (t.status === 'skip') continue;
      upsert.run(
        t.suite,
        t.name,
        t.status === 'pass' ? 1 : 0,
        t.status === 'fail' ? 1 : 0,
        now.toISOString(),
      );
    }
  })();
}

export function recordFlaky(db: Db, suite: string, name: string, now = new Date()): void {
  db.prepare(
    `INSERT INTO test_stability (suite, name, flaky_count, last_seen) VALUES (?, ?, 1, ?)
     ON CONFLICT (suite, name) DO UPDATE SET flaky_count = flaky_count + 1, last_seen = excluded.last_seen`,
  ).run(suite, name, now.toISOString());
}

export function loadStability(db: Db, suite: string, name: string): Stability | undefined {
  const row = db
    .prepare(
      'SELECT passes, fails, flaky_count AS flakyCount FROM test_stability WHERE suite = ? AND name = ?',
    )
    .get(suite, name) as Stability | undefined;
  return row;
}
