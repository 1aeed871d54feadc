import type { OutboxRow } from './outbox.js';
import type { CheckPost, EmailMessage } from './types.js';

/** One outbox row for people and for `--json`: the payload summarised, errors shown. */
export interface OutboxItem {
  id: number;
  kind: OutboxRow['kind'];
  state: OutboxRow['state'];
  runId: number | null;
  seriesId: number | null;
  /** Email: the subject and recipients; check: patch, context and state. */
  what: string;
  attempts: number;
  /** An attempt's outcome is unknown (the list is checked before any resend). */
  uncertain: boolean;
  nextAttemptAt: string | null;
  lastError: string | null;
  note: string | null;
  createdAt: string;
  sentAt: string | null;
}

export function outboxItem(row: OutboxRow): OutboxItem {
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    runId: row.run_id,
    seriesId: row.series_id,
    what: describe(row),
    attempts: row.attempts,
    uncertain: row.in_flight === 1,
    nextAttemptAt: row.state === 'pending' ? row.next_attempt_at : null,
    lastError: row.last_error,
    note: row.note,
    createdAt: row.created_at,
    sentAt: row.sent_at,
  };
}

function describe(row: OutboxRow): string {
  const payload = JSON.parse(row.payload) as EmailMessage | CheckPost | null;
  if (!payload) return '(nothing rendered)';
  if (row.kind === 'email') {
    const email = payload as EmailMessage;
    return `${email.subject} -> ${email.to.join(', ')}`;
  }
  const check = payload as CheckPost;
  return `patch ${check.patchId} ${check.context}=${check.state}`;
}

export function outboxLine(item: OutboxItem): string {
  const extra = item.lastError ?? item.note;
  const due = item.nextAttemptAt ? ` next ${item.nextAttemptAt}` : '';
  const flag = item.uncertain ? ' (outcome unknown)' : '';
  return `#${item.id} ${item.kind} ${item.state}${flag} tries=${item.attempts}${due}  ${item.what}${extra ? `\n    ${extra}` : ''}`;
}
