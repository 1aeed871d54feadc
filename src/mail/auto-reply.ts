/**
 * Out-of-office and other machine answers to list mail: they quote the patch
 * (a diff, a `[PATCH 2/3]` subject) but are not one. RFC 3834's Auto-Submitted
 * is the standard marker; X-Autoreply and `Precedence: auto_reply` are what
 * older responders send; the subject prefixes are Exchange's, Outlook's and
 * Gmail's when no header says it.
 */
const SUBJECT_PREFIX =
  /^\s*(?:automatic reply|auto(?:matic)?[ -]?reply|out of (?:the )?office|auto)\s*:/i;

/** Why a mail is an auto-reply, or undefined when it does not look like one. */
export function autoReplyReason(
  header: (name: string) => string | undefined,
  subject: string | undefined,
): string | undefined {
  const submitted = header('auto-submitted')
    ?.trim()
    .split(/[\s;(]/, 1)[0]
    ?.toLowerCase();
  if (submitted && submitted !== 'no') return `auto-reply (Auto-Submitted: ${submitted})`;
  if (header('x-autoreply') !== undefined) return 'auto-reply (X-Autoreply)';
  if (header('precedence')?.trim().toLowerCase() === 'auto_reply') {
    return 'auto-reply (Precedence: auto_reply)';
  }
  const prefix = SUBJECT_PREFIX.exec(subject ?? '');
  if (prefix) return `auto-reply (subject "${prefix[0].trim()}")`;
  return undefined;
}
