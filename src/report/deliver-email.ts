import type { AppContext } from '../context.js';
import { errorMessage } from '../errors.js';
import { composeRaw } from './compose.js';
import { markFailed, markRetry, markSent, markSkipped, type OutboxRow } from './outbox.js';
import { claim, failOrRetry, type StepResult } from './outbox-step.js';
import { classifySmtpError, type EmailTransport } from './smtp.js';
import type { EmailMessage } from './types.js';

export interface EmailStepEnv {
  dryRun: boolean;
  keep: boolean;
  now: () => Date;
  print: (text: string) => void;
  transport: () => EmailTransport | null;
  alreadyDelivered?: (messageId: string) => Promise<boolean>;
}

export async function deliverEmail(
  ctx: AppContext,
  row: OutboxRow,
  env: EmailStepEnv,
): Promise<StepResult> {
  const email = JSON.parse(row.payload) as EmailMessage;
  if (env.dryRun) {
    // LF for the terminal; otherwise the exact bytes that would go over SMTP.
    env.print((await composeRaw(email)).replace(/\r\n/g, '\n'));
    if (!env.keep) markSkipped(ctx.db, row.id, 'dry-run: printed, not sent');
    return 'printed';
  }
  if (row.in_flight) {
    const resolved = await resolveUncertain(ctx, row, email, env);
    if (resolved) return resolved;
  }
  const transport = env.transport();
  if (!transport) {
    markFailed(ctx.db, row.id, 'report.email is not configured any more');
    return 'failed';
  }
  if (!claim(ctx, row, env.now())) return 'waiting';
  try {
    await transport.send(email);
  } catch (err) {
    const outcome = classifySmtpError(err);
    const verify = ctx.config.report.email?.verifyDelaySeconds ?? 0;
    return failOrRetry(ctx, row, err, {
      permanent: outcome === 'permanent',
      uncertain: outcome === 'uncertain',
      now: env.now(),
      atLeastSeconds: outcome === 'uncertain' ? verify : 0,
    });
  }
  // A crash exactly here leaves in_flight = 1: the next pass finds the mail on the list.
  markSent(ctx.db, row.id, env.now());
  ctx.log.info({ outboxId: row.id, messageId: email.messageId }, 'report email sent');
  return 'sent';
}

/**
 * The previous attempt may have reached the server (crash, or the connection died
 * after DATA). Resending blindly could mail the author twice, so first give the list
 * time to deliver it, then look its Message-ID up. Returns a result when the row is
 * settled (or must wait), undefined when it is safe to send.
 */
async function resolveUncertain(
  ctx: AppContext,
  row: OutboxRow,
  email: EmailMessage,
  env: EmailStepEnv,
): Promise<StepResult | undefined> {
  if (!env.alreadyDelivered) {
    markFailed(
      ctx.db,
      row.id,
      'an earlier attempt may have been delivered and no list lookup is configured; check the list, then `bpfci outbox retry`',
    );
    return 'failed';
  }
  const delayMs = (ctx.config.report.email?.verifyDelaySeconds ?? 0) * 1000;
  const since = Date.parse(row.attempted_at ?? row.created_at);
  if (env.now().getTime() - since < delayMs) return 'waiting';
  let found: boolean;
  try {
    found = await env.alreadyDelivered(email.messageId);
  } catch (err) {
    const next = new Date(env.now().getTime() + ctx.config.report.retryBaseSeconds * 1000);
    markRetry(ctx.db, row.id, `list lookup failed: ${errorMessage(err)}`, next, true);
    return 'retry';
  }
  if (found) {
    markSent(ctx.db, row.id, env.now(), 'found on the list after an interrupted attempt');
    ctx.log.info(
      { outboxId: row.id, messageId: email.messageId },
      'report email was already delivered',
    );
    return 'sent';
  }
  return undefined;
}
