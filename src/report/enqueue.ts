import type { AppContext } from '../context.js';
import {
  buildReportContext,
  checkedPatches,
  reportGeneration,
  reportKey,
  retestSuffix,
} from './context.js';
import { emailsForSeries, emailsSince, insertOutbox } from './outbox.js';
import { patchworkAccess } from './patchwork-access.js';
import { emailPolicy } from './policy.js';
import { renderChecks, renderPendingChecks } from './render-checks.js';
import { renderEmail } from './render-email.js';
import type { CheckPost, ReportInput, ReportSeries, Retest } from './types.js';

export interface EnqueueSummary {
  /** Rows inserted as pending (0 when the same report was already queued). */
  queued: number;
  /** Rows inserted as skipped, with why. */
  skipped: string[];
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * Queues the email and the final checks of a verdict. Synchronous and DB-only, so the
 * caller can run it inside the transaction that stores the verdict: both commit or
 * neither does. Calling it twice for the same run queues nothing new.
 */
export function enqueueReports(
  ctx: AppContext,
  input: ReportInput,
  now = new Date(),
): EnqueueSummary {
  const summary: EnqueueSummary = { queued: 0, skipped: [] };
  const rctx = buildReportContext(ctx.config, input, now);
  ctx.db.transaction(() => {
    const mail = ctx.config.report.email;
    if (mail) {
      const base = {
        kind: 'email' as const,
        // Per verdict (and infra attempt, and retest): a run retried after an infra
        // outcome still owes what the next attempt finds; a retest owes its own report.
        dedupeKey: `email:run:${input.runId}:${reportKey(input)}`,
        runId: input.runId,
        seriesId: input.series.id,
      };
      if (!rctx.email) {
        const note = rctx.reply
          ? 'submitter address is not valid'
          : 'no valid Message-ID to reply to';
        record(
          summary,
          insertOutbox(ctx.db, { ...base, payload: null, state: 'skipped', note }, now),
          note,
        );
      } else {
        const email = renderEmail(rctx);
        const counts = {
          series: emailsForSeries(ctx.db, input.series.id),
          day: emailsSince(ctx.db, new Date(now.getTime() - DAY_MS)),
        };
        const decision = emailPolicy(
          mail,
          input.verdict,
          input.series.submitter.addr,
          counts,
          rctx.retry,
        );
        const row = { ...base, messageId: email.messageId, payload: email };
        const note = decision.send ? undefined : decision.reason;
        const inserted = insertOutbox(
          ctx.db,
          { ...row, state: decision.send ? 'pending' : 'skipped', note },
          now,
        );
        record(summary, inserted, note);
      }
    }
    queueChecks(ctx, input, renderChecks(rctx), now, summary, reportGeneration(input));
  })();
  return summary;
}

export interface PendingInput {
  runId: number;
  series: ReportSeries;
  runUrl: string;
  retest?: Retest;
}

/** Queues `pending` on every context the job will finish, when the job starts. */
export function enqueuePending(
  ctx: AppContext,
  input: PendingInput,
  now = new Date(),
): EnqueueSummary {
  const summary: EnqueueSummary = { queued: 0, skipped: [] };
  const names = {
    contextPrefix: ctx.config.report.checks.contextPrefix,
    arch: ctx.config.vm.arch,
    suites: ctx.config.suites.map((s) => s.name),
  };
  const patchIds = checkedPatches(ctx.config, input.series).map((p) => p.patchworkId);
  const posts = renderPendingChecks(names, patchIds, input.runUrl);
  // A retest's pending checks are new posts too (the first run's were sent long ago).
  const suffix = retestSuffix(input.retest);
  ctx.db.transaction(() => queueChecks(ctx, input, posts, now, summary, suffix))();
  return summary;
}

function queueChecks(
  ctx: AppContext,
  { runId, series }: Pick<ReportInput, 'runId' | 'series'>,
  posts: CheckPost[],
  now: Date,
  summary: EnqueueSummary,
  keySuffix = '',
): void {
  if (!ctx.config.report.checks.enabled || posts.length === 0) return;
  const access = patchworkAccess(ctx.config);
  if (!access) return; // no Patchwork source: there is nowhere to post checks
  const note = access.token ? undefined : 'read-only: no Patchwork token';
  for (const post of posts) {
    const dedupeKey = `check:run:${runId}:patch:${post.patchId}:${post.context}:${post.state}${keySuffix}`;
    const row = { kind: 'check' as const, dedupeKey, runId, seriesId: series.id, payload: post };
    const inserted = insertOutbox(
      ctx.db,
      { ...row, state: note ? 'skipped' : 'pending', note },
      now,
    );
    record(summary, inserted, note);
  }
}

function record(summary: EnqueueSummary, inserted: boolean, skippedNote: string | undefined): void {
  if (!inserted) return;
  if (skippedNote) summary.skipped.push(skippedNote);
  else summary.queued += 1;
}
