import type { AppContext } from '../context.js';
import { errorMessage } from '../errors.js';
import { markFailed, markRetry, type OutboxRow } from './outbox.js';

/** What happened to one row in one delivery pass. */
export type StepResult = 'sent' | 'skipped' | 'failed' | 'retry' | 'waiting' | 'printed';

/**
 * Claims a row for one attempt: increments `attempts` and sets `in_flight` only if
 * nobody else did since we read it (attempts works as a version), and commits
 * BEFORE the network call. False: another deliverer has it.
 */
export function claim(ctx: AppContext, row: OutboxRow, now: Date): boolean {
  const r = ctx.db
    .prepare(
      `UPDATE outbox SET attempts = attempts + 1, in_flight = 1, attempted_at = ?
       WHERE id = ? AND state = 'pending' AND attempts = ?`,
    )
    .run(now.toISOString(), row.id, row.attempts);
  return r.changes === 1;
}

/** Exponential backoff from config: base, 2×base, 4×base … capped. */
export function nextAttempt(
  ctx: AppContext,
  attempts: number,
  now: Date,
  atLeastSeconds = 0,
): Date {
  const { retryBaseSeconds, retryMaxSeconds } = ctx.config.report;
  const delay = Math.min(retryBaseSeconds * 2 ** Math.max(attempts - 1, 0), retryMaxSeconds);
  return new Date(now.getTime() + Math.max(delay, atLeastSeconds) * 1000);
}

/**
 * After a failed attempt (`attempts` already counts it): retry later, or give up and
 * mark the row failed once the retries are spent. A failed row stays visible
 * (`bpfci outbox`, status) and can be requeued; it is never dropped silently.
 */
export function failOrRetry(
  ctx: AppContext,
  row: OutboxRow,
  err: unknown,
  options: { permanent: boolean; uncertain: boolean; now: Date; atLeastSeconds?: number },
): StepResult {
  const attempts = row.attempts + 1;
  const message = errorMessage(err).slice(0, 500);
  const log = ctx.log.child({ outboxId: row.id, kind: row.kind, attempts });
  if (options.permanent || attempts > ctx.config.report.sendRetries) {
    const why = options.uncertain
      ? `${message} (the last attempt may have been delivered)`
      : message;
    markFailed(ctx.db, row.id, why);
    log.error({ error: why }, 'report delivery failed for good');
    return 'failed';
  }
  const next = nextAttempt(ctx, attempts, options.now, options.atLeastSeconds);
  markRetry(ctx.db, row.id, message, next, options.uncertain);
  log.warn(
    { error: message, next: next.toISOString(), uncertain: options.uncertain },
    'report delivery will be retried',
  );
  return 'retry';
}
