import type { Verdict } from '../verdict/verdict.js';

/**
 * The narrow view of a stored series that reports need. It mirrors what
 * `loadSeries()` (src/series/store.ts) returns, so the caller can pass that
 * object straight in; only these fields are read.
 */
export interface ReportSeries {
  id: number;
  name: string;
  version: number;
  submitter: { name: string; addr: string };
  coverMessageId?: string | null;
  coverSubject?: string | null;
  patches: ReportPatch[];
  patchworkId?: number | null;
  patchworkUrl?: string | null;
}

export interface ReportPatch {
  index: number;
  messageId: string;
  subject: string;
  patchworkId?: number | null;
  patchworkUrl?: string | null;
}

/**
 * Whether the job behind an infrastructure verdict runs again, so that every report
 * says what really happens next.
 */
export interface InfraRetry {
  /** The attempt that ended on this verdict, counted from 1. */
  attempt: number;
  maxAttempts: number;
  /** ISO time after which the next attempt runs; absent: there will be none. */
  nextAt?: string;
}

/** What the pipeline hands to `enqueueReports`. */
export interface ReportInput {
  runId: number;
  series: ReportSeries;
  verdict: Verdict;
  runUrl: string;
  /** For infra verdicts of the daemon's jobs; absent: no retry will follow. */
  retry?: InfraRetry;
  retest?: Retest;
}

/** A run queued again on request: the n-th retest of the job, and who asked. */
export interface Retest {
  n: number;
  trigger: string;
}

export type CheckState = 'pending' | 'success' | 'warning' | 'fail';

/** One Patchwork check to post on one patch (the exact POST body plus where it goes). */
export interface CheckPost {
  patchId: number;
  context: string;
  state: CheckState;
  description: string;
  target_url: string;
}

/** A fully rendered reply: exactly what goes to the SMTP server. */
export interface EmailMessage {
  messageId: string;
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  inReplyTo: string;
  references: string[];
  /** RFC 2822 date of the report, fixed at enqueue time so the bytes are reproducible. */
  date: string;
  text: string;
}

export type OutboxKind = 'email' | 'check';
export type OutboxState = 'pending' | 'sent' | 'failed' | 'skipped';
