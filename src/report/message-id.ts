import { createHash } from 'node:crypto';

/**
 * The reply's Message-ID, a pure function of what the report is about: the same
 * report always gets the same id, so a resend after a crash can be recognised on
 * the list (and by receivers' duplicate suppression). Short, because it is also
 * the Closes: link that must fit on one line. The hash covers the message
 * being replied to (ids stay unique if a fresh database reuses run numbers) and the
 * verdict (a run retried after an infrastructure outcome reports anew).
 */
export function reportMessageId(
  runId: number,
  verdict: string,
  inReplyTo: string,
  from: string,
): string {
  const domain = domainOf(from);
  const hash = createHash('sha256')
    .update(`${runId}\n${verdict}\n${inReplyTo}`)
    .digest('hex')
    .slice(0, 8);
  return `<bpfci-${runId}-${hash}@${domain}>`;
}

function domainOf(from: string): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from);
  return match?.[1] ?? 'bpfci.invalid';
}
