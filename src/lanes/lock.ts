import type { Db } from '../db/open.js';
import { type Holder, holderAlive } from './holder.js';

export interface LaneRow {
  tree: string;
  worktree: string;
  build_dir: string;
  holder_pid: number | null;
  holder_start: string | null;
  holder_boot: string | null;
  job_id: string | null;
  acquired_at: string | null;
}

export type LockOutcome =
  | { locked: true; clearedStale?: { pid: number; jobId: string | null } }
  | { locked: false; holder: { pid: number; jobId: string | null; since: string | null } };

/**
 * Takes a lane's lock in one IMMEDIATE transaction, so two processes cannot both
 * see it free. The lock is a row, not a process: it survives a crash, and the next
 * taker clears it when the recorded holder is dead (see holderAlive).
 */
export function tryLockLane(
  db: Db,
  lane: { tree: string; worktree: string; buildDir: string },
  me: Holder,
  jobId: string | null,
): LockOutcome {
  return db
    .transaction((): LockOutcome => {
      const row = db.prepare('SELECT * FROM lanes WHERE tree = ?').get(lane.tree) as
        | LaneRow
        | undefined;
      let clearedStale: { pid: number; jobId: string | null } | undefined;
      if (row?.holder_pid != null) {
        const holder = {
          pid: row.holder_pid,
          start: row.holder_start ?? '',
          bootId: row.holder_boot ?? '',
        };
        if (holderAlive(holder)) {
          return {
            locked: false,
            holder: { pid: holder.pid, jobId: row.job_id, since: row.acquired_at },
          };
        }
        clearedStale = { pid: holder.pid, jobId: row.job_id };
      }
      const now = new Date().toISOString();
      db.prepare(
        `INSERT INTO lanes (tree, worktree, build_dir, holder_pid, holder_start, holder_boot,
           job_id, acquired_at, updated_at)
         VALUES (@tree, @worktree, @buildDir, @pid, @start, @bootId, @jobId, @now, @now)
         ON CONFLICT (tree) DO UPDATE SET worktree = excluded.worktree,
           build_dir = excluded.build_dir, holder_pid = excluded.holder_pid,
           holder_start = excluded.holder_start, holder_boot = excluded.holder_boot,
           job_id = excluded.job_id, acquired_at = excluded.acquired_at,
           updated_at = excluded.updated_at`,
      ).run({ ...lane, ...me, jobId, now });
      return clearedStale ? { locked: true, clearedStale } : { locked: true };
    })
    .immediate();
}

/** Releases the lock if (and only if) `me` still holds it. */
export function unlockLane(db: Db, tree: string, me: Holder): boolean {
  const r = db
    .prepare(
      `UPDATE lanes SET holder_pid = NULL, holder_start = NULL, holder_boot = NULL, job_id = NULL,
         acquired_at = NULL, updated_at = ? WHERE tree = ? AND holder_pid = ? AND holder_start = ?`,
    )
    .run(new Date().toISOString(), tree, me.pid, me.start);
  return r.changes === 1;
}

/** Remembers the commit the lane's worktree is at (status pages, the next reset). */
export function recordLaneHead(db: Db, tree: string, sha: string): void {
  db.prepare('UPDATE lanes SET head_sha = ?, updated_at = ? WHERE tree = ?').run(
    sha,
    new Date().toISOString(),
    tree,
  );
}
