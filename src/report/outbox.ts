import type { Db } from '../db/open.js';
import type { OutboxKind, OutboxState } from './types.js';

/** One outbox row as stored (payload still JSON text). */
export interface OutboxRow {
  id: number;
  kind: OutboxKind;
  dedupe_key: string;
  run_id: number | null;
  series_id: number | null;
  message_id: string | null;
  payload: string;
  state: OutboxState;
  attempts: number;
  in_flight: number;
  next_attempt_at: string;
  last_error: string | null;
  note: string | null;
  created_at: string;
  attempted_at: string | null;
  sent_at: string | null;
}

export interface NewOutboxRow {
  kind: OutboxKind;
  dedupeKey: string;
  runId?: number;
  seriesId?: number;
  messageId?: string;
  payload: unknown;
  state: 'pending' | 'skipped';
  note?: string;
}

/** Inserts unless a row with the same dedupe key exists. Returns whether it inserted. */
export function insertOutbox(db: Db, row: NewOutboxRow, now: Date): boolean {
  const at = now.toISOString();
  const result = db
    .prepare(
      `INSERT OR IGNORE INTO outbox (kind, dedupe_key, run_id, series_id, message_id, payload, state,
         note, next_attempt_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      row.kind,
      row.dedupeKey,
      row.runId ?? null,
      row.seriesId ?? null,
      row.messageId ?? null,
      JSON.stringify(row.payload),
      row.state,
      row.note ?? null,
      at,
      at,
    );
  return result.changes === 1;
}

/** Rows whose next attempt is due, oldest first (so `pending` checks precede finals). */
export function dueRows(db: Db, now: Date, limit = 500): OutboxRow[] {
  return db
    .prepare(
      `SELECT * FROM outbox WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT ?`,
    )
    .all(now.toISOString(), limit) as OutboxRow[];
}

export function getRow(db: Db, id: number): OutboxRow | undefined {
  return db.prepare('SELECT * FROM outbox WHERE id = ?').get(id) as OutboxRow | undefined;
}

export interface ListFilter {
  state?: OutboxState;
  limit?: number;
}

export function listOutbox(db: Db, filter: ListFilter = {}): OutboxRow[] {
  const where = filter.state ? 'WHERE state = ?' : '';
  const args: unknown[] = filter.state ? [filter.state] : [];
  return db
    .prepare(`SELECT * FROM outbox ${where} ORDER BY id DESC LIMIT ?`)
    .all(...args, filter.limit ?? 100) as OutboxRow[];
}

export function markSent(db: Db, id: number, now: Date, note?: string): void {
  db.prepare(
    `UPDATE outbox SET state = 'sent', in_flight = 0, sent_at = ?, note = coalesce(?, note), last_error = NULL
     WHERE id = ?`,
  ).run(now.toISOString(), note ?? null, id);
}

export function markSkipped(db: Db, id: number, note: string): void {
  db.prepare(`UPDATE outbox SET state = 'skipped', in_flight = 0, note = ? WHERE id = ?`).run(
    note,
    id,
  );
}

export function markFailed(db: Db, id: number, error: string): void {
  db.prepare(`UPDATE outbox SET state = 'failed', in_flight = 0, last_error = ? WHERE id = ?`).run(
    error,
    id,
  );
}

/** A retry later. `inFlight` stays 1 when the failed attempt may still have been delivered. */
export function markRetry(db: Db, id: number, error: string, next: Date, inFlight: boolean): void {
  db.prepare(
    `UPDATE outbox SET in_flight = ?, last_error = ?, next_attempt_at = ? WHERE id = ?`,
  ).run(inFlight ? 1 : 0, error, next.toISOString(), id);
}

/** Puts a failed (or skipped) row back in the queue: `bpfci outbox retry <id>`. */
export function requeue(db: Db, id: number, now: Date): boolean {
  const r = db
    .prepare(
      `UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?, note = 'requeued by operator'
       WHERE id = ? AND state IN ('failed', 'skipped')`,
    )
    .run(now.toISOString(), id);
  return r.changes === 1;
}

/** Emails for a series that count against its limit (queued or already sent). */
export function emailsForSeries(db: Db, seriesId: number): number {
  const row = db
    .prepare(
      `SELECT count(*) AS n FROM outbox WHERE kind = 'email' AND series_id = ? AND state IN ('pending', 'sent')`,
    )
    .get(seriesId) as { n: number };
  return row.n;
}

export function emailsSince(db: Db, since: Date): number {
  const row = db
    .prepare(
      `SELECT count(*) AS n FROM outbox WHERE kind = 'email' AND created_at >= ? AND state IN ('pending', 'sent')`,
    )
    .get(since.toISOString()) as { n: number };
  return row.n;
}

export function outboxCounts(db: Db): Record<OutboxState, number> {
  const counts: Record<OutboxState, number> = { pending: 0, sent: 0, failed: 0, skipped: 0 };
  const rows = db.prepare('SELECT state, count(*) AS n FROM outbox GROUP BY state').all() as {
    state: OutboxState;
    n: number;
  }[];
  for (const r of rows) counts[r.state] = r.n;
  return counts;
}
