import type { TestObservation } from '../verdict/observations.js';
import type { Verdict } from '../verdict/verdict.js';
import type { Db } from './open.js';

export type RunKind = 'series' | 'baseline' | 'rerun' | 'bisect';
export type RunStatus = 'running' | 'done' | 'infra' | 'error' | 'cancelled';

export interface RunRow {
  id: number;
  seriesId: number | null;
  parentId: number | null;
  kind: RunKind;
  key: string;
  status: RunStatus;
  /** For bisection probes: how many patches of the series were applied. */
  patches: number | null;
  verdict: Verdict | null;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  artifactsDir: string | null;
  /** A series run's reason: `posted`, `retest by <who>`. */
  trigger: string | null;
}

export interface NewRun {
  kind: RunKind;
  key: string;
  seriesId?: number;
  parentId?: number;
  patches?: number;
  artifactsDir?: string;
  /** A series run's reason: `posted`, `retest by <who>`. */
  trigger?: string;
}

export function createRun(db: Db, run: NewRun, now = new Date()): number {
  const info = db
    .prepare(
      `INSERT INTO runs (series_id, parent_id, kind, key, status, patches, started_at,
         artifacts_dir, trigger)
       VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?)`,
    )
    .run(
      run.seriesId ?? null,
      run.parentId ?? null,
      run.kind,
      run.key,
      run.patches ?? null,
      now.toISOString(),
      run.artifactsDir ?? null,
      run.trigger ?? null,
    );
  return Number(info.lastInsertRowid);
}

export function setRunArtifacts(db: Db, id: number, dir: string): void {
  db.prepare('UPDATE runs SET artifacts_dir = ? WHERE id = ?').run(dir, id);
}

/** Closes a run; its test results, if any, are written in the same transaction. */
export function finishRun(
  db: Db,
  id: number,
  end: { status: RunStatus; verdict?: Verdict; tests?: TestObservation[] },
  now = new Date(),
): void {
  const insert = db.prepare(
    `INSERT OR REPLACE INTO test_results (run_id, suite, name, status, excerpt, metrics)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (const t of end.tests ?? []) {
      const metrics = t.metrics ? JSON.stringify(t.metrics) : null;
      insert.run(id, t.suite, t.name, t.status, t.excerpt ?? null, metrics);
    }
    db.prepare(
      `UPDATE runs SET status = ?, verdict = ?, finished_at = ?,
         duration_ms = CAST((julianday(?) - julianday(started_at)) * 86400000 AS INTEGER)
       WHERE id = ?`,
    ).run(
      end.status,
      end.verdict ? JSON.stringify(end.verdict) : null,
      now.toISOString(),
      now.toISOString(),
      id,
    );
  })();
}

/** A finished run recorded elsewhere (a fleet worker), stored here as it was. */
export interface ImportedRun extends NewRun {
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  tests: TestObservation[];
  verdict?: Verdict;
}

export function importRun(db: Db, run: ImportedRun): number {
  return db.transaction(() => {
    const id = createRun(db, run, new Date(run.startedAt));
    finishRun(
      db,
      id,
      { status: run.status, tests: run.tests, verdict: run.verdict },
      new Date(run.finishedAt ?? run.startedAt),
    );
    return id;
  })();
}

export function loadTestResults(db: Db, runId: number): TestObservation[] {
  const rows = db
    .prepare(
      'SELECT suite, name, status, excerpt, metrics FROM test_results WHERE run_id = ? ORDER BY rowid',
    )
    .all(runId) as {
    suite: string;
    name: string;
    status: TestObservation['status'];
    excerpt: string | null;
    metrics: string | null;
  }[];
  return rows.map((r) => ({
    suite: r.suite,
    name: r.name,
    status: r.status,
    excerpt: r.excerpt ?? undefined,
    ...(r.metrics ? { metrics: JSON.parse(r.metrics) as Record<string, number> } : {}),
  }));
}

interface RawRun {
  id: number;
  series_id: number | null;
  parent_id: number | null;
  kind: RunKind;
  key: string;
  status: RunStatus;
  patches: number | null;
  verdict: string | null;
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  artifacts_dir: string | null;
  trigger: string | null;
}

function toRow(r: RawRun): RunRow {
  return {
    id: r.id,
    seriesId: r.series_id,
    parentId: r.parent_id,
    kind: r.kind,
    key: r.key,
    status: r.status,
    patches: r.patches,
    verdict: r.verdict ? (JSON.parse(r.verdict) as Verdict) : null,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    durationMs: r.duration_ms,
    artifactsDir: r.artifacts_dir,
    trigger: r.trigger,
  };
}

export function getRun(db: Db, id: number): RunRow | undefined {
  const r = db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RawRun | undefined;
  return r && toRow(r);
}

/** A series' own runs and the reruns/probes they spawned, oldest first. */
export function listSeriesRuns(db: Db, seriesId: number): RunRow[] {
  const rows = db
    .prepare('SELECT * FROM runs WHERE series_id = ? ORDER BY id')
    .all(seriesId) as RawRun[];
  return rows.map(toRow);
}

export function countRuns(db: Db, kind?: RunKind): number {
  const sql = kind
    ? 'SELECT count(*) AS n FROM runs WHERE kind = ?'
    : 'SELECT count(*) AS n FROM runs';
  const row = (kind ? db.prepare(sql).get(kind) : db.prepare(sql).get()) as { n: number };
  return row.n;
}

/** The verdict of the newest finished series run of a series, if it was judged. */
export function latestSeriesVerdict(
  db: Db,
  seriesId: number,
): { runId: number; verdict: Verdict } | undefined {
  const r = db
    .prepare(
      `SELECT * FROM runs WHERE series_id = ? AND kind = 'series' AND verdict IS NOT NULL
       ORDER BY id DESC LIMIT 1`,
    )
    .get(seriesId) as RawRun | undefined;
  const row = r && toRow(r);
  return row?.verdict ? { runId: row.id, verdict: row.verdict } : undefined;
}
