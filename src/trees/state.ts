import type { AppContext } from '../context.js';
import type { TreeInfo } from './tree-config.js';

export interface TreeState {
  tree: string;
  upstream: string;
  branch: string;
  mirrorPath: string;
  goodSha: string | null;
  goodAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
}

const COLUMNS = `tree, upstream, branch, mirror_path AS mirrorPath, good_sha AS goodSha,
  good_at AS goodAt, last_error AS lastError, last_error_at AS lastErrorAt`;

export function getTreeState(ctx: AppContext, tree: string): TreeState | undefined {
  return ctx.db.prepare(`SELECT ${COLUMNS} FROM tree_state WHERE tree = ?`).get(tree) as
    | TreeState
    | undefined;
}

/** A fetch that published `sha` for the tree's branch: the new last good state. */
export function recordFetchGood(ctx: AppContext, t: TreeInfo, sha: string): void {
  const now = new Date().toISOString();
  ctx.db
    .prepare(
      `INSERT INTO tree_state (tree, upstream, branch, mirror_path, good_sha, good_at)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (tree) DO UPDATE SET upstream = excluded.upstream, branch = excluded.branch,
         mirror_path = excluded.mirror_path, good_sha = excluded.good_sha, good_at = excluded.good_at,
         last_error = NULL, last_error_at = NULL`,
    )
    .run(t.name, t.source, t.branch, t.mirror, sha, now);
}

/** A failed fetch: the good state stays as it was, the error is kept for status pages. */
export function recordFetchError(ctx: AppContext, t: TreeInfo, error: string): void {
  const now = new Date().toISOString();
  ctx.db
    .prepare(
      `INSERT INTO tree_state (tree, upstream, branch, mirror_path, last_error, last_error_at)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (tree) DO UPDATE SET last_error = excluded.last_error,
         last_error_at = excluded.last_error_at`,
    )
    .run(t.name, t.source, t.branch, t.mirror, error, now);
}
