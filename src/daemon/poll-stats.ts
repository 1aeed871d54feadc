import type { Db } from '../db/open.js';
import { BotError, errorMessage } from '../errors.js';

export interface SourcePoll {
  source: string;
  lastPollAt: string;
  lastOkAt?: string;
  lastErrorCode?: string;
  lastError?: string;
  pollsTotal: number;
  errorsTotal: number;
}

/** Counts one poll of `source`: its time, and its error by code when it failed. */
export function recordPoll(db: Db, source: string, at: Date, err?: unknown): void {
  const iso = at.toISOString();
  const code = err === undefined ? null : err instanceof BotError ? err.code : 'INTERNAL';
  const message = err === undefined ? null : errorMessage(err).slice(0, 1000);
  db.prepare(
    `INSERT INTO source_polls (source, last_poll_at, last_ok_at, last_error_code, last_error,
       polls_total, errors_total)
     VALUES (@source, @iso, @ok, @code, @message, 1, @failed)
     ON CONFLICT (source) DO UPDATE SET last_poll_at = @iso,
       last_ok_at = COALESCE(@ok, last_ok_at), last_error_code = @code, last_error = @message,
       polls_total = polls_total + 1, errors_total = errors_total + @failed`,
  ).run({ source, iso, ok: code ? null : iso, code, message, failed: code ? 1 : 0 });
}

export function listPolls(db: Db): SourcePoll[] {
  return db
    .prepare<[], Record<string, string | number | null>>(
      'SELECT * FROM source_polls ORDER BY source',
    )
    .all()
    .map((r) => ({
      source: String(r.source),
      lastPollAt: String(r.last_poll_at),
      lastOkAt: (r.last_ok_at as string | null) ?? undefined,
      lastErrorCode: (r.last_error_code as string | null) ?? undefined,
      lastError: (r.last_error as string | null) ?? undefined,
      pollsTotal: Number(r.polls_total),
      errorsTotal: Number(r.errors_total),
    }));
}
