import type { WorkerMail } from './parser-worker.js';

const PATCH_TYPES = /^(text\/x-(patch|diff)|text\/x-diff|application\/(x-)?(patch|diff))$/i;

/**
 * The text a patch lives in: the inline text parts (mailparser already decoded
 * base64 and quoted-printable), plus any attachment that is a patch: a
 * text/x-patch part, or any text part named *.patch / *.diff, or a text
 * attachment that contains a diff. git-am gets this text, not the MIME tree.
 */
export function patchText(mail: WorkerMail): string {
  const parts = [mail.text];
  for (const a of mail.attachments) {
    if (a.content.length === 0) continue;
    const text = Buffer.from(a.content).toString('utf8');
    const named = /\.(patch|diff)$/i.test(a.filename ?? '');
    const textual = a.contentType.toLowerCase().startsWith('text/');
    if (PATCH_TYPES.test(a.contentType) || named || (textual && hasDiff(text))) parts.push(text);
  }
  return parts
    .filter((p) => p.length > 0)
    .join('\n')
    .replace(/\r\n/g, '\n');
}

/** A unified diff as git, quilt or plain diff write it. */
export function hasDiff(text: string): boolean {
  return (
    /^diff --git a\//m.test(text) ||
    /^--- \S.*\n\+\+\+ \S.*\n@@ /m.test(text) ||
    /^Index: \S/m.test(text)
  );
}

/** A diffstat (`2 files changed, ...`): what a cover letter has in place of a diff. */
export function hasDiffstat(text: string): boolean {
  return /^ \d+ files? changed(, \d+ insertions?\(\+\))?(, \d+ deletions?\(-\))?$/m.test(text);
}

/** Lines a reply writes itself: everything not quoted with `>`. */
export function unquoted(text: string): string {
  return text
    .split('\n')
    .filter((l) => !/^\s*>/.test(l))
    .join('\n');
}
