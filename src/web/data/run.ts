import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Job } from '../../daemon/queue.js';
import { createSqliteQueue } from '../../daemon/sqlite-queue.js';
import type { Db } from '../../db/open.js';
import type { FailureClass } from '../../verdict/failures.js';
import type { TestStatus } from '../../verdict/tests.js';
import type { Verdict } from '../../verdict/verdict.js';
import { getSeries, type SeriesItem } from './series.js';

export interface TestRow {
  suite: string;
  name: string;
  status: TestStatus;
  /** The judge's class for a failure (new / pre-existing / flaky / fixed / infra). */
  class?: FailureClass;
  excerpt?: string;
}

export interface Artifact {
  label: string;
  path: string;
}

export interface RunView {
  job: Job;
  series?: SeriesItem;
  verdict?: Verdict;
  tests: TestRow[];
  artifacts: Artifact[];
  patches: { index: number; messageId: string }[];
}

function parseVerdict(db: Db, jobId: number): Verdict | undefined {
  const row = db
    .prepare<[number], { j: string | null }>('SELECT verdict_json AS j FROM jobs WHERE id = ?')
    .get(jobId);
  return row?.j ? (JSON.parse(row.j) as Verdict) : undefined;
}

function testsOf(db: Db, job: Job, verdict?: Verdict): TestRow[] {
  const classes = new Map<string, JudgedInfo>();
  for (const f of verdict?.failures ?? []) {
    classes.set(`${f.suite}\0${f.name}`, { class: f.class, excerpt: f.excerpt });
  }
  const stored = job.runId
    ? db
        .prepare<[number], TestRow>(
          'SELECT suite, name, status, excerpt FROM test_results WHERE run_id = ? ORDER BY suite, name',
        )
        .all(job.runId)
    : [];
  const rows: TestRow[] =
    stored.length > 0
      ? stored
      : (verdict?.boot?.suites ?? []).flatMap((s) =>
          s.tests.map((t) => ({
            suite: s.suite,
            name: t.name,
            status: t.status,
            excerpt: t.excerpt,
          })),
        );
  const seen = new Set(rows.map((r) => `${r.suite}\0${r.name}`));
  // A judged failure the suite rows do not carry (a crash, a fixed test) still shows.
  for (const f of verdict?.failures ?? []) {
    if (!seen.has(`${f.suite}\0${f.name}`))
      rows.push({ suite: f.suite, name: f.name, status: 'fail' });
  }
  return rows.map((r) => {
    const judged = classes.get(`${r.suite}\0${r.name}`);
    return { ...r, class: judged?.class, excerpt: r.excerpt ?? judged?.excerpt ?? undefined };
  });
}

interface JudgedInfo {
  class: FailureClass;
  excerpt?: string;
}

function listFiles(dir: string, limit = 60): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch {
      return;
    }
    for (const n of names) {
      if (out.length >= limit) return;
      const p = join(d, n);
      const st = statSync(p, { throwIfNoEntry: false });
      if (st?.isDirectory()) walk(p);
      else if (st?.isFile()) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** The files the run page links to: logs named by the verdict, then the run's artifact dir. */
function artifactsOf(db: Db, job: Job, verdict?: Verdict): Artifact[] {
  const out: Artifact[] = [];
  for (const b of verdict?.build ?? []) {
    if (b.logPath) out.push({ label: `${b.target} build log`, path: b.logPath });
  }
  if (verdict?.boot?.consolePath) out.push({ label: 'console', path: verdict.boot.consolePath });
  const dir = job.runId
    ? db
        .prepare<[number], { d: string | null }>('SELECT artifacts_dir AS d FROM runs WHERE id = ?')
        .get(job.runId)?.d
    : undefined;
  if (dir) {
    for (const p of listFiles(dir)) {
      if (!out.some((a) => a.path === p)) out.push({ label: relative(dir, p), path: p });
    }
  }
  return out;
}

export function getRun(db: Db, jobId: number): RunView | undefined {
  const job = createSqliteQueue(db).get(jobId);
  if (!job) return undefined;
  const verdict = parseVerdict(db, jobId);
  const patches = db
    .prepare<[number], { index: number; messageId: string }>(
      'SELECT idx AS "index", message_id AS messageId FROM series_patches WHERE series_id = ? ORDER BY idx',
    )
    .all(job.seriesId);
  return {
    job,
    series: getSeries(db, job.seriesId),
    verdict,
    tests: testsOf(db, job, verdict),
    artifacts: artifactsOf(db, job, verdict),
    patches,
  };
}
