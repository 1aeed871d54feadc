import type { Config } from '../config/schema.js';
import { matrixSuites } from '../config/sections/matrix.js';
import type { Verdict } from '../verdict/verdict.js';
import { reportMessageId } from './message-id.js';
import { cleanAddress, cleanMessageId, formatAddress, replySubject } from './sanitize.js';
import type { InfraRetry, ReportInput, ReportSeries, Retest } from './types.js';

export interface CheckedPatch {
  index: number;
  patchworkId: number;
}

export type ReplyReason = 'cover' | 'last-patch' | 'guilty-patch';

export interface ReplyTarget {
  messageId: string;
  /** `Re: …`, already sanitised. */
  subject: string;
  references: string[];
  reason: ReplyReason;
}

export interface EmailEnvelope {
  from: string;
  to: string[];
  cc: string[];
  messageId: string;
  date: string;
  reportedBy?: string;
  closesUrl?: string;
}

/** Everything the pure renderers need; built once per report from config and input. */
export interface ReportContext {
  runId: number;
  runUrl: string;
  series: ReportSeries;
  verdict: Verdict;
  tree: string;
  baseSha?: string;
  arch: string;
  contextPrefix: string;
  suites: string[];
  /** The suites older kernels of the matrix run (their check contexts). */
  olderSuites: string[];
  archiveUrl?: string;
  reply: ReplyTarget | null;
  /** Absent when email is not configured or there is no valid message to reply to. */
  email?: EmailEnvelope;
  /** The patches that get checks, in series order. */
  checkPatches: CheckedPatch[];
  /** Maintainers may ask for a retest by mail (daemon.mailCommands.allow is set). */
  mailRetest: boolean;
  /** This run is a retest (absent for the first run of the job). */
  retest?: Retest;
  /** Infra verdicts: the next attempt, or none. */
  retry?: InfraRetry;
}

export function buildReportContext(config: Config, input: ReportInput, now: Date): ReportContext {
  const { series, verdict } = input;
  const mail = config.report.email;
  const reply = replyTarget(series, verdict);
  return {
    runId: input.runId,
    runUrl: input.runUrl,
    series,
    verdict,
    tree: verdict.apply?.tree ?? 'unknown',
    baseSha: verdict.apply?.baseSha,
    arch: config.vm.arch,
    mailRetest: config.daemon.mailCommands.allow.length > 0,
    ...(input.retest ? { retest: input.retest } : {}),
    contextPrefix: config.report.checks.contextPrefix,
    suites: config.suites.map((s) => s.name),
    olderSuites: matrixSuites(config.matrix, config.suites).map((s) => s.name),
    archiveUrl: mail?.archiveUrl,
    reply,
    email:
      mail && reply ? envelope(mail, series, reply, input.runId, reportKey(input), now) : undefined,
    checkPatches: checkedPatches(config, series),
    retry: verdict.verdict === 'infra' ? input.retry : undefined,
  };
}

/**
 * What one report of a run is keyed by (dedupe key, Message-ID seed): its verdict;
 * for an infra verdict its attempt, since each attempt says something else about the
 * next one; for a retest its number, since a retest is a new run that owes its report.
 * The first run's key is the bare verdict, as it always was.
 */
export function reportKey(input: Pick<ReportInput, 'verdict' | 'retry' | 'retest'>): string {
  return `${input.verdict.verdict}${reportGeneration(input)}`;
}

/** The key's suffix beyond the verdict: the infra attempt and the retest, when there are. */
export function reportGeneration(input: Pick<ReportInput, 'verdict' | 'retry' | 'retest'>): string {
  const attempt =
    input.verdict.verdict === 'infra' && input.retry ? `:try:${input.retry.attempt}` : '';
  return `${attempt}${retestSuffix(input.retest)}`;
}

/** A retest's part of the keys: a retest is a new run that owes its own reports. */
export function retestSuffix(retest: Retest | undefined): string {
  return retest ? `:retest:${retest.n}` : '';
}

/** The patches that get checks: every patch known to Patchwork, or the last one (`checks.patches`). */
export function checkedPatches(config: Config, series: ReportSeries): CheckedPatch[] {
  const known = [...series.patches]
    .sort((a, b) => a.index - b.index)
    .flatMap(({ index, patchworkId }) =>
      typeof patchworkId === 'number' ? [{ index, patchworkId }] : [],
    );
  return config.report.checks.patches === 'last' ? known.slice(-1) : known;
}

type EmailConfig = NonNullable<Config['report']['email']>;

function envelope(
  mail: EmailConfig,
  series: ReportSeries,
  reply: ReplyTarget,
  runId: number,
  verdict: string,
  now: Date,
): EmailEnvelope | undefined {
  const submitter = cleanAddress(series.submitter.addr);
  if (!submitter) return undefined;
  const messageId = reportMessageId(runId, verdict, reply.messageId, mail.from);
  const archive = mail.archiveUrl?.replace(/\/+$/, '');
  return {
    from: mail.from,
    to: [formatAddress(series.submitter.name, submitter)],
    cc: mail.cc.filter((a) => a.toLowerCase() !== submitter.toLowerCase()),
    messageId,
    date: now.toUTCString(),
    reportedBy: mail.trailers.reportedBy,
    closesUrl:
      mail.trailers.closes && archive ? `${archive}/${messageId.slice(1, -1)}/` : undefined,
  };
}

/**
 * Where the reply goes: the guilty patch when the judge found one (0-day style, the
 * exact patch), else the cover letter, else the last patch (what BPF CI does:
 * the last patch is the state that was tested). References keep the thread.
 */
export function replyTarget(series: ReportSeries, verdict: Verdict): ReplyTarget | null {
  const cover = cleanMessageId(series.coverMessageId);
  const guilty = guiltyIndex(verdict);
  const guiltyPatch = series.patches.find((p) => p.index === guilty);
  const last = [...series.patches].sort((a, b) => a.index - b.index).at(-1);
  const pick = (messageId: string | undefined, subject: string, reason: ReplyReason) => {
    const id = cleanMessageId(messageId);
    if (!id) return null;
    const references = cover && cover !== id ? [cover, id] : [id];
    return { messageId: id, subject: replySubject(subject), references, reason };
  };
  return (
    (guiltyPatch && pick(guiltyPatch.messageId, guiltyPatch.subject, 'guilty-patch')) ||
    (cover && pick(cover, series.coverSubject ?? series.name, 'cover')) ||
    (last && pick(last.messageId, last.subject, 'last-patch')) ||
    null
  );
}

/**
 * The patch the judge or the build bisection blamed, or the first that did not apply:
 * the patches before it applied cleanly, and a maintainer may take them alone.
 */
export function guiltyIndex(verdict: Verdict): number | undefined {
  return (
    verdict.guiltyPatch ??
    verdict.build?.find((b) => b.guiltyPatch)?.guiltyPatch ??
    verdict.apply?.patches.find((p) => p.status === 'failed')?.index
  );
}
