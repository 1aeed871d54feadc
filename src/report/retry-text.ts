import type { InfraRetry } from './types.js';

/** `2026-11-24 12:34 UTC`: minutes are enough for a human, and the same in every zone. */
export function retryTime(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * What happens next after an infrastructure outcome, in a sentence for the mail.
 * No retry information means nobody will run it again (a foreground `bpfci test`).
 */
export function retrySentence(retry: InfraRetry | undefined): string {
  if (retry?.nextAt) {
    return `bpfci will test it again after ${retryTime(retry.nextAt)} (attempt ${retry.attempt + 1} of ${retry.maxAttempts}).`;
  }
  const tries = retry
    ? `gave up after ${retry.attempt} attempt${retry.attempt === 1 ? '' : 's'} and `
    : '';
  return `bpfci ${tries}will not test this revision again by itself; a new revision is tested as usual.`;
}

/** The same for a Patchwork check description, where every character counts. */
export function retryNote(retry: InfraRetry | undefined): string {
  return retry?.nextAt ? `retry after ${retryTime(retry.nextAt)}` : 'not retried';
}
