import { createHash } from 'node:crypto';
import { patchText } from './body.js';
import { classify, type MessageKind } from './classify.js';
import { parseMailDate } from './date.js';
import { normalizeMessageId, parseReferences } from './message-id.js';
import { parseWithMailparser } from './parser-worker.js';
import { cleanHeader } from './sanitize.js';
import { parseSubject, type SubjectInfo } from './subject.js';

/** Default cap on one mail's size, checked before any parsing. */
export const DEFAULT_MAX_MAIL_BYTES = 10 * 1024 * 1024;

/** A mail reduced to what bpfci uses, every header field already cleaned. */
export interface ParsedMessage {
  messageId: string;
  sha256: string;
  size: number;
  kind: MessageKind;
  subjectRaw: string;
  subjectInfo: SubjectInfo;
  fromName: string;
  fromAddr: string;
  /** ISO instant, or null when the Date: header is missing or not believable. */
  date: string | null;
  inReplyTo?: string;
  references: string[];
  /** Decoded text, including patch attachments, LF line endings. */
  body: string;
  /** Why some field was dropped or doubted (kept with the row). */
  notes: string[];
}

export type ParseOutcome =
  | { ok: true; message: ParsedMessage }
  | { ok: false; sha256: string; messageId?: string; reason: string };

export interface ParseOptions {
  maxBytes?: number;
  now?: number;
}

export function sha256Hex(raw: Buffer): string {
  return createHash('sha256').update(raw).digest('hex');
}

/** Parses one raw RFC 5322 message, or says why it cannot be used. Never throws. */
export function parseMessage(raw: Buffer, options: ParseOptions = {}): ParseOutcome {
  const sha256 = sha256Hex(raw);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_MAIL_BYTES;
  if (raw.length > maxBytes) {
    return {
      ok: false,
      sha256,
      reason: `mail is ${raw.length} bytes, over the ${maxBytes}-byte limit`,
    };
  }
  const parsed = parseWithMailparser(raw);
  if (!parsed.ok)
    return { ok: false, sha256, reason: `MIME parse failed: ${cleanHeader(parsed.error, 200)}` };
  const mail = parsed.mail;
  const header = (key: string) =>
    mail.headerLines.find((h) => h.key === key)?.line.replace(/^[^:]*:\s*/, '');
  const messageId = normalizeMessageId(header('message-id'));
  if (!messageId) return { ok: false, sha256, reason: 'no Message-ID header' };
  const body = patchText(mail);
  if (body.trim().length === 0) return { ok: false, sha256, messageId, reason: 'empty body' };
  const subjectInfo = parseSubject(mail.subject);
  const inReplyTo = parseReferences(header('in-reply-to'))[0];
  const kind = classify(subjectInfo, body, inReplyTo);
  if (subjectInfo.invalid && (kind === 'patch' || kind === 'cover')) {
    return { ok: false, sha256, messageId, reason: subjectInfo.invalid };
  }
  const date = parseMailDate(header('date'), options.now);
  const notes = date.note ? [date.note] : [];
  const fromAddr = cleanHeader(mail.from?.address, 254).toLowerCase();
  if (!fromAddr) notes.push('no usable From address');
  return {
    ok: true,
    message: {
      messageId,
      sha256,
      size: raw.length,
      kind,
      subjectRaw: cleanHeader(mail.subject),
      subjectInfo,
      fromName: cleanHeader(mail.from?.name, 200),
      fromAddr,
      date: date.iso,
      inReplyTo,
      references: parseReferences(header('references')),
      body,
      notes,
    },
  };
}
