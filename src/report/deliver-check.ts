import type { AppContext } from '../context.js';
import { BotError } from '../errors.js';
import type { ChecksApi, LatestCheck } from './checks-client.js';
import { markSent, markSkipped, type OutboxRow } from './outbox.js';
import { claim, failOrRetry, type StepResult } from './outbox-step.js';
import { previewCheck } from './preview.js';
import type { CheckPost } from './types.js';

export interface CheckStepEnv {
  dryRun: boolean;
  keep: boolean;
  now: () => Date;
  print: (text: string) => void;
  /** Null: read-only (no Patchwork, or no token). */
  api: ChecksApi | null;
  apiUrl: string;
  canWrite: boolean;
}

export async function deliverCheck(
  ctx: AppContext,
  row: OutboxRow,
  env: CheckStepEnv,
): Promise<StepResult> {
  const post = JSON.parse(row.payload) as CheckPost;
  const preview = env.dryRun && env.keep;
  if (supersededBy(ctx, row, post)) {
    if (!preview)
      markSkipped(ctx.db, row.id, 'superseded by a newer check for the same patch and context');
    return 'skipped';
  }
  let latest: LatestCheck | null = null;
  if (env.api) {
    try {
      latest = await env.api.latest(post.patchId, post.context);
    } catch (err) {
      if (env.dryRun) latest = null;
      else
        return failOrRetry(ctx, row, err, {
          permanent: !retryable(err),
          uncertain: false,
          now: env.now(),
        });
    }
  }
  // Idempotence: the same state and URL already there (this row's own earlier
  // attempt, if the process died after the POST) means there is nothing to do.
  if (latest && latest.state === post.state && latest.target_url === post.target_url) {
    if (env.dryRun) env.print(`# skip (already on Patchwork) ${previewCheck(env.apiUrl, post)}`);
    else done(ctx, row, post, env.now(), 'already on Patchwork');
    return env.dryRun ? 'printed' : 'sent';
  }
  if (post.state === 'pending' && latest && latest.state !== 'pending') {
    if (!preview) markSkipped(ctx.db, row.id, `a final state (${latest.state}) is already posted`);
    return 'skipped';
  }
  if (env.dryRun || !env.canWrite || !env.api) {
    env.print(previewCheck(env.apiUrl, post));
    if (!env.keep)
      markSkipped(
        ctx.db,
        row.id,
        env.dryRun ? 'dry-run: printed, not posted' : 'read-only: no Patchwork token',
      );
    return 'printed';
  }
  if (!claim(ctx, row, env.now())) return 'waiting';
  try {
    await env.api.post(post);
  } catch (err) {
    return failOrRetry(ctx, row, err, {
      permanent: !retryable(err),
      uncertain: false,
      now: env.now(),
    });
  }
  done(ctx, row, post, env.now());
  return 'sent';
}

function retryable(err: unknown): boolean {
  return err instanceof BotError ? err.retryable : true;
}

function done(ctx: AppContext, row: OutboxRow, post: CheckPost, now: Date, note?: string): void {
  ctx.db.transaction(() => {
    markSent(ctx.db, row.id, now, note);
    ctx.db
      .prepare(
        `INSERT INTO check_log (patch_id, context, state, target_url, description, outbox_id, posted_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (patch_id, context) DO UPDATE SET state = excluded.state, target_url = excluded.target_url,
           description = excluded.description, outbox_id = excluded.outbox_id, posted_at = excluded.posted_at`,
      )
      .run(
        post.patchId,
        post.context,
        post.state,
        post.target_url,
        post.description,
        row.id,
        now.toISOString(),
      );
  })();
}

/** A later row for the same patch and context makes this one moot (e.g. pending, then final). */
function supersededBy(ctx: AppContext, row: OutboxRow, post: CheckPost): boolean {
  const hit = ctx.db
    .prepare(
      `SELECT 1 FROM outbox WHERE kind = 'check' AND id > ? AND state IN ('pending', 'sent')
         AND json_extract(payload, '$.patchId') = ? AND json_extract(payload, '$.context') = ? LIMIT 1`,
    )
    .get(row.id, post.patchId, post.context);
  return hit !== undefined;
}
