import type { JobState } from '../../daemon/queue.js';
import type { Db } from '../../db/open.js';
import { listSeriesRuns } from '../../db/runs.js';

export interface SeriesFilters {
  status?: string;
  tree?: string;
  version?: number;
  verdict?: string;
  limit?: number;
}

/** One series revision as the pages and the API show it (mail strings unescaped: escape on render). */
export interface SeriesItem {
  id: number;
  name: string;
  version: number;
  submitter: string;
  total: number;
  treeTag?: string;
  complete: boolean;
  /** Why it is shown but not tested (odd subject, ambiguous slot). */
  heldReason?: string;
  previousId?: number;
  supersededBy?: number;
  patchworkUrl?: string;
  createdAt: string;
  job?: { id: number; state: JobState; lane: string; verdict?: string; finishedAt?: string };
}

interface Row {
  id: number;
  name: string;
  version: number;
  submitter_name: string;
  submitter_addr: string;
  total: number;
  tree_tag: string | null;
  complete: number;
  held_reason: string | null;
  previous_id: number | null;
  superseded_by: number | null;
  patchwork_url: string | null;
  created_at: string;
  job_id: number | null;
  state: JobState | null;
  lane: string | null;
  verdict: string | null;
  finished_at: string | null;
}

const SELECT = `
  SELECT s.id, s.name, s.version, s.submitter_name, s.submitter_addr, s.total, s.tree_tag,
         s.complete, s.held_reason, s.previous_id, s.superseded_by, s.patchwork_url, s.created_at,
         j.id AS job_id, j.state, j.lane, j.verdict, j.finished_at
  FROM series s LEFT JOIN jobs j ON j.series_id = s.id`;

function toItem(r: Row): SeriesItem {
  return {
    id: r.id,
    name: r.name,
    version: r.version,
    submitter: r.submitter_name ? `${r.submitter_name} <${r.submitter_addr}>` : r.submitter_addr,
    total: r.total,
    treeTag: r.tree_tag ?? undefined,
    complete: r.complete === 1,
    heldReason: r.held_reason ?? undefined,
    previousId: r.previous_id ?? undefined,
    supersededBy: r.superseded_by ?? undefined,
    patchworkUrl: r.patchwork_url ?? undefined,
    createdAt: r.created_at,
    job:
      r.job_id !== null && r.state && r.lane
        ? {
            id: r.job_id,
            state: r.state,
            lane: r.lane,
            verdict: r.verdict ?? undefined,
            finishedAt: r.finished_at ?? undefined,
          }
        : undefined,
  };
}

/**
 * Series, newest first. status is the job state (or "none": no job yet), tree is
 * the lane or the subject's tree tag. Every filter is a bound parameter.
 */
export function listSeries(db: Db, f: SeriesFilters): SeriesItem[] {
  const where: string[] = [];
  const args: (string | number)[] = [];
  const add = (clause: string, ...values: (string | number)[]): void => {
    where.push(clause);
    args.push(...values);
  };
  if (f.status === 'none') add('j.id IS NULL');
  else if (f.status) add('j.state = ?', f.status);
  if (f.tree) add('(j.lane = ? OR s.tree_tag = ?)', f.tree, f.tree);
  if (f.version !== undefined) add('s.version = ?', f.version);
  if (f.verdict) add('j.verdict = ?', f.verdict);
  const sql = `${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY s.id DESC LIMIT ?`;
  return db
    .prepare<(string | number)[], Row>(sql)
    .all(...args, Math.min(f.limit ?? 200, 1000))
    .map(toItem);
}

export function getSeries(db: Db, id: number): SeriesItem | undefined {
  const row = db.prepare<[number], Row>(`${SELECT} WHERE s.id = ?`).get(id);
  return row ? toItem(row) : undefined;
}

/** Every revision of the same work, oldest first: follows previous_id both ways. */
export function revisions(db: Db, id: number): SeriesItem[] {
  const ids = db
    .prepare<[number], { id: number }>(
      `WITH RECURSIVE back(id, prev) AS (
         SELECT id, previous_id FROM series WHERE id = ?
         UNION SELECT s.id, s.previous_id FROM series s JOIN back b ON s.id = b.prev),
       root AS (SELECT id FROM back WHERE prev IS NULL OR prev NOT IN (SELECT id FROM series)),
       fwd(id) AS (SELECT id FROM root
         UNION SELECT s.id FROM series s JOIN fwd f ON s.previous_id = f.id)
       SELECT id FROM fwd UNION SELECT id FROM back`,
    )
    .all(id)
    .map((r) => r.id);
  return ids
    .map((i) => getSeries(db, i))
    .filter((s): s is SeriesItem => s !== undefined)
    .sort((a, b) => a.version - b.version || a.id - b.id);
}

/** One run of a series (the first, retests, requeues), as the series page lists them. */
export interface SeriesRunItem {
  id: number;
  trigger: string;
  status: string;
  startedAt: string;
  durationMs?: number;
  verdict?: string;
  summary?: string;
}

/** A series' own runs, oldest first: side by side, a retest next to the run it repeats. */
export function seriesRuns(db: Db, seriesId: number): SeriesRunItem[] {
  return listSeriesRuns(db, seriesId)
    .filter((r) => r.kind === 'series')
    .map((r) => ({
      id: r.id,
      trigger: r.trigger ?? 'posted',
      status: r.status,
      startedAt: r.startedAt,
      ...(r.durationMs !== null ? { durationMs: r.durationMs } : {}),
      ...(r.verdict ? { verdict: r.verdict.verdict, summary: r.verdict.summary } : {}),
    }));
}

/** The distinct values the filter menus offer. */
export function filterChoices(db: Db): { trees: string[]; versions: number[] } {
  const trees = db
    .prepare<[], { t: string }>(
      `SELECT DISTINCT lane AS t FROM jobs UNION SELECT DISTINCT tree_tag FROM series
       WHERE tree_tag IS NOT NULL ORDER BY t`,
    )
    .all()
    .map((r) => r.t);
  const versions = db
    .prepare<[], { v: number }>('SELECT DISTINCT version AS v FROM series ORDER BY v')
    .all()
    .map((r) => r.v);
  return { trees, versions };
}
