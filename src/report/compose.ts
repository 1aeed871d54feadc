import MailComposer from 'nodemailer/lib/mail-composer';
import type Mail from 'nodemailer/lib/mailer';
import type { EmailMessage } from './types.js';

/**
 * nodemailer options for a rendered reply. Headers are given as values, never as
 * raw lines, so nodemailer encodes and folds them; `date` and `messageId` are fixed
 * so the bytes sent are the bytes previewed.
 */
export function mailOptions(email: EmailMessage): Mail.Options {
  return {
    from: email.from,
    to: email.to,
    cc: email.cc,
    subject: email.subject,
    messageId: email.messageId,
    inReplyTo: email.inReplyTo,
    references: email.references,
    date: email.date,
    text: email.text,
    headers: { 'X-Mailer': 'bpfci' },
  };
}

/** The raw RFC 5322 message exactly as it would go over SMTP (for --dry-run). */
export async function composeRaw(email: EmailMessage): Promise<string> {
  const buf = await new MailComposer(mailOptions(email)).compile().build();
  return buf.toString('utf8');
}
