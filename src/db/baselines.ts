import type { Db } from './open.js';
import { createRun, type RunStatus } from './runs.js';

export interface BaselineInputs {
  tree: string;
  baseSha: string;
  configHash: string;
  toolchain: string;
  suites: string[];
}

export type BaselineClaim =
  /** A finished baseline exists: use it. */
  | { state: 'ready'; runId: number }
  /** Another worker is running it right now: wait for it. */
  | { state: 'busy'; runId: number }
  /** Nobody has it: the caller now owns this (running) baseline run. */
  | { state: 'claimed'; runId: number };

/**
 * Looks up the baseline of `key` and, when there is none (or only a failed or
 * abandoned one), registers a new running baseline run for the caller, all in
 * one IMMEDIATE transaction: two workers asking at once cannot both claim it.
 * A running claim older than `staleMs`, or whose holder is known dead, is taken over.
 */
export function claimBaseline(
  db: Db,
  key: string,
  inputs: BaselineInputs,
  staleMs: number,
  now = new Date(),
  /** Whether the holder of a running claim still lives (a fleet knows its workers'). */
  holderAlive: (runId: number) => boolean = () => true,
): BaselineClaim {
  return db
    .transaction((): BaselineClaim => {
      const row = db
        .prepare(
          `SELECT b.run_id AS runId, r.status AS status, r.started_at AS startedAt
           FROM baselines b JOIN runs r ON r.id = b.run_id WHERE b.key = ?`,
        )
        .get(key) as { runId: number; status: RunStatus; startedAt: string } | undefined;
      if (row?.status === 'done') return { state: 'ready', runId: row.runId };
      const age = row ? now.getTime() - Date.parse(row.startedAt) : 0;
      if (row?.status === 'running' && age < staleMs && holderAlive(row.runId))
        return { state: 'busy', runId: row.runId };
      if (row?.status === 'running') {
        db.prepare(`UPDATE runs SET status = 'cancelled' WHERE id = ?`).run(row.runId);
      }
      const runId = createRun(db, { kind: 'baseline', key }, now);
      db.prepare(
        `INSERT OR REPLACE INTO baselines (key, run_id, tree, base_sha, inputs, created_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ).run(key, runId, inputs.tree, inputs.baseSha, JSON.stringify(inputs), now.toISOString());
      return { state: 'claimed', runId };
    })
    .immediate();
}
