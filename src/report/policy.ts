import type { Config } from '../config/schema.js';
import type { Verdict } from '../verdict/verdict.js';
import { retryTime } from './retry-text.js';
import type { InfraRetry } from './types.js';

export type EmailConfig = NonNullable<Config['report']['email']>;

export type EmailDecision = { send: true } | { send: false; reason: string };

export interface SentCounts {
  /** Emails already queued or sent for this series (all revisions share the id's thread). */
  series: number;
  /** Emails queued or sent in the last 24 hours. */
  day: number;
}

/**
 * Whether this verdict deserves a mail to the author. Maintainers dislike bots that
 * mail about problems the author did not cause, so by default only a problem the
 * series itself introduced is mailed; everything else goes to Patchwork checks only.
 */
export function emailPolicy(
  mail: EmailConfig,
  verdict: Verdict,
  submitter: string,
  counts: SentCounts,
  retry?: InfraRetry,
): EmailDecision {
  if (mail.policy === 'never') return { send: false, reason: 'policy: never' };
  if (listed(mail.optOut, submitter)) return { send: false, reason: 'submitter opted out' };
  if (mail.optIn.length > 0 && !listed(mail.optIn, submitter))
    return { send: false, reason: 'submitter not opted in' };
  const kind = verdictKind(verdict);
  if (kind === 'infra' && !mail.mailInfra)
    return { send: false, reason: 'infrastructure outcome (mailInfra: false)' };
  // One mail per job about our own trouble, when it is over: the Patchwork checks
  // carry each attempt's news.
  if (kind === 'infra' && retry?.nextAt) {
    return {
      send: false,
      reason: `infrastructure outcome, tried again after ${retryTime(retry.nextAt)}: only the last attempt is mailed`,
    };
  }
  if (kind === 'not-ours' && !mail.mailWarnings) {
    return { send: false, reason: 'only flaky or pre-existing failures (mailWarnings: false)' };
  }
  if (kind === 'success' && mail.policy !== 'always')
    return { send: false, reason: 'success (policy: failure-only)' };
  if (counts.series >= mail.maxPerSeries)
    return { send: false, reason: `rate limit: ${mail.maxPerSeries} per series` };
  if (counts.day >= mail.maxPerDay)
    return { send: false, reason: `rate limit: ${mail.maxPerDay} per day` };
  return { send: true };
}

export type VerdictKind = 'authors-problem' | 'not-ours' | 'infra' | 'success';

/**
 * What kind of news the verdict is for the author. The judge decides: `failure`
 * means the series caused something (new failure, conflict, build break, crash).
 */
export function verdictKind(v: Verdict): VerdictKind {
  switch (v.verdict) {
    case 'infra':
      return 'infra';
    case 'failure':
      return 'authors-problem';
    case 'warning':
      return 'not-ours';
    default:
      return 'success';
  }
}

/** An entry matches the address itself (any case) or, written `@domain`, every address there. */
export function listed(entries: string[], addr: string): boolean {
  const a = addr.toLowerCase();
  return entries.some((e) => {
    const x = e.trim().toLowerCase();
    return x.startsWith('@') ? a.endsWith(x) : x === a;
  });
}
