import type { AppContext } from '../context.js';
import { obeyMailCommands } from './mail-commands.js';
import { laneFor, priorityFor } from './plan.js';
import type { Job, JobQueue } from './queue.js';

interface WaitingSeries {
  id: number;
  total: number;
  tree_tag: string | null;
}

interface SupersededJob {
  series_id: number;
  superseded_by: number;
}

export interface FeedResult {
  enqueued: Job[];
  cancelled: Job[];
}

/**
 * Turns the store's series into queue changes: every complete, current series
 * without a job gets one (unless it is held: an odd subject, an ambiguous slot), a
 * finished one that a mail command asked to retest is queued again, and a job whose
 * series a newer revision superseded is cancelled (the worker then kills it if it runs).
 */
export function feedQueue(ctx: AppContext, queue: JobQueue, now: Date): FeedResult {
  const waiting = ctx.db
    .prepare<[], WaitingSeries>(
      `SELECT s.id, s.total, s.tree_tag FROM series s
       WHERE s.complete = 1 AND s.superseded_by IS NULL AND s.held_reason IS NULL
         AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.series_id = s.id)
       ORDER BY s.id`,
    )
    .all();
  const enqueued: Job[] = [];
  for (const s of waiting) {
    const facts = { total: s.total, treeTag: s.tree_tag };
    const lane = laneFor(ctx.config, facts);
    const job = queue.enqueue(
      { seriesId: s.id, lane, priority: priorityFor(ctx.config, facts, lane) },
      now,
    );
    if (job) enqueued.push(job);
  }
  enqueued.push(...obeyMailCommands(ctx, queue, now));
  const stale = ctx.db
    .prepare<[], SupersededJob>(
      `SELECT j.series_id, s.superseded_by FROM jobs j JOIN series s ON s.id = j.series_id
       WHERE j.state IN ('queued', 'running') AND s.superseded_by IS NOT NULL`,
    )
    .all();
  const cancelled: Job[] = [];
  for (const s of stale) {
    const job = queue.cancel(s.series_id, `superseded by series ${s.superseded_by}`, now);
    if (job) cancelled.push(job);
  }
  return { enqueued, cancelled };
}
