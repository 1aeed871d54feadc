import type { AppContext } from '../context.js';
import { BotError } from '../errors.js';
import { type ChecksApi, createChecksClient } from './checks-client.js';
import { deliverCheck } from './deliver-check.js';
import { deliverEmail } from './deliver-email.js';
import { defaultListLookup } from './list-lookup.js';
import { dueRows, type OutboxRow, outboxCounts } from './outbox.js';
import { failOrRetry, type StepResult } from './outbox-step.js';
import { patchworkAccess } from './patchwork-access.js';
import { createSmtpTransport, type EmailTransport } from './smtp.js';

export interface DeliverOptions {
  /** Print what would be sent instead of sending (default: report.dryRun). */
  dryRun?: boolean;
  /** With dryRun: leave the rows pending (a preview); otherwise printed rows are marked skipped. */
  keep?: boolean;
  signal?: AbortSignal;
  /** Injected for tests; default: nodemailer from report.email. */
  email?: EmailTransport;
  /** Injected for tests; default: the Patchwork source's URL and token. */
  checks?: ChecksApi;
  /**
   * Is this Message-ID already on the list? Closes the crash-after-accept window.
   * Default: the lore source, if configured (inject an IMAP lookup here otherwise).
   */
  alreadyDelivered?: (messageId: string) => Promise<boolean>;
  now?: () => Date;
  print?: (text: string) => void;
}

export type DeliverySummary = Record<StepResult, number> & {
  /** Rows in the failed state in the whole outbox (they need a human). */
  failedTotal: number;
  pendingTotal: number;
};

/** One delivery pass over every due outbox row, oldest first. */
export async function deliverOutbox(
  ctx: AppContext,
  options: DeliverOptions = {},
): Promise<DeliverySummary> {
  const now = options.now ?? (() => new Date());
  const dryRun = options.dryRun ?? ctx.config.report.dryRun;
  const keep = dryRun && (options.keep ?? false);
  const print = options.print ?? ((text: string) => process.stdout.write(`${text}\n`));
  const access = patchworkAccess(ctx.config);
  const timeoutMs = ctx.config.report.sendTimeoutSeconds * 1000;
  const api = options.checks ?? (access ? createChecksClient(access, timeoutMs) : null);
  let transport: EmailTransport | null | undefined = options.email;
  const lazyTransport = () => {
    const mail = ctx.config.report.email;
    if (transport === undefined)
      transport = mail ? createSmtpTransport(mail, ctx.config.report.sendTimeoutSeconds) : null;
    return transport;
  };
  const counts: Record<StepResult, number> = {
    sent: 0,
    skipped: 0,
    failed: 0,
    retry: 0,
    waiting: 0,
    printed: 0,
  };
  const emailEnv = {
    dryRun,
    keep,
    now,
    print,
    transport: lazyTransport,
    alreadyDelivered: options.alreadyDelivered ?? defaultListLookup(ctx.config),
  };
  const canWrite = options.checks !== undefined || Boolean(access?.token);
  const checkEnv = {
    dryRun,
    keep,
    now,
    print,
    api,
    apiUrl: access?.apiUrl ?? 'patchwork:/',
    canWrite,
  };
  try {
    for (const row of dueRows(ctx.db, now())) {
      if (options.signal?.aborted) break;
      const result = await step(
        ctx,
        row,
        () =>
          row.kind === 'email'
            ? deliverEmail(ctx, row, emailEnv)
            : deliverCheck(ctx, row, checkEnv),
        now(),
      );
      counts[result] += 1;
    }
  } finally {
    if (options.email === undefined && transport) transport.close();
  }
  const totals = outboxCounts(ctx.db);
  if (totals.failed > 0)
    ctx.log.warn({ failed: totals.failed }, 'outbox has failed reports (see `bpfci outbox`)');
  return { ...counts, failedTotal: totals.failed, pendingTotal: totals.pending };
}

/**
 * One row, isolated: an error outside the send itself (bad SMTP credentials in the
 * environment, an unreadable payload) fails or delays that row, not the whole pass.
 */
async function step(
  ctx: AppContext,
  row: OutboxRow,
  run: () => Promise<StepResult>,
  now: Date,
): Promise<StepResult> {
  try {
    return await run();
  } catch (err) {
    const retryable = err instanceof BotError && err.retryable;
    return failOrRetry(ctx, row, err, {
      permanent: !retryable,
      uncertain: row.in_flight === 1,
      now,
    });
  }
}
