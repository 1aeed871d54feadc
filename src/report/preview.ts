import type { CheckPost, EmailMessage } from './types.js';

/** A readable view of a reply: the headers that matter, then the body. */
export function previewEmail(email: EmailMessage): string {
  const headers = [
    `From: ${email.from}`,
    `To: ${email.to.join(', ')}`,
    ...(email.cc.length ? [`Cc: ${email.cc.join(', ')}`] : []),
    `Subject: ${email.subject}`,
    `Message-ID: ${email.messageId}`,
    `In-Reply-To: ${email.inReplyTo}`,
    `References: ${email.references.join(' ')}`,
  ];
  return `${headers.join('\n')}\n\n${email.text}`;
}

/** One check as the POST it becomes. */
export function previewCheck(apiUrl: string, post: CheckPost): string {
  const { patchId, ...body } = post;
  return `POST ${apiUrl}patches/${patchId}/checks/ ${JSON.stringify(body)}`;
}
