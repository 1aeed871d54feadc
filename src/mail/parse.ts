import { createHash } from 'node:crypto';
import { autoReplyReason } from './auto-reply.js';
import { patchText } from './body.js';
import { classify, type MessageKind } from './classify.js';
import { parseMailDate } from './date.js';
import { normalizeMessageId, parseReferences } from './message-id.js';
import { parseWithMailparser } from './parser-worker.js';
import { rawHeader, rawHeaderBlock } from './raw-headers.js';
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
  | {
      ok: false;
      sha256: string;
      messageId?: string;
      reason: string;
      /** Too big to keep whole: only the header block is worth keeping. */
      oversized?: true;
    };

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
    const reason = `mail is ${raw.length} bytes, over the ${maxBytes}-byte limit`;
    return { ...rejected(sha256, rawMessageId(raw), reason), oversized: true };
  }
  const parsed = parseWithMailparser(raw);
  if (!parsed.ok) {
    return rejected(
      sha256,
      rawMessageId(raw),
      `MIME parse failed: ${cleanHeader(parsed.error, 200)}`,
    );
  }
  const mail = parsed.mail;
  const header = (key: string) =>
    mail.headerLines.find((h) => h.key === key)?.line.replace(/^[^:]*:\s*/, '');
  // The ids are keys: read from the bytes, not from mailparser's Latin-1 view.
  const head = rawHeaderBlock(raw);
  const messageId = normalizeMessageId(rawHeader(head, 'message-id'));
  if (!messageId) return { ok: false, sha256, reason: 'no Message-ID header' };
  const autoReply = autoReplyReason(header, mail.subject);
  if (autoReply) return { ok: false, sha256, messageId, reason: autoReply };
  const body = patchText(mail);
  if (body.trim().length === 0) return { ok: false, sha256, messageId, reason: emptyReason(raw) };
  const subjectInfo = parseSubject(mail.subject);
  const inReplyTo = parseReferences(rawHeader(head, 'in-reply-to'))[0];
  const kind = classify(subjectInfo, body, inReplyTo);
  const date = parseMailDate(header('date'), options.now);
  const notes = date.note ? [date.note] : [];
  // Kept and shown; assembly holds its series back from testing.
  if (subjectInfo.odd) notes.push(subjectInfo.odd);
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
      references: parseReferences(rawHeader(head, 'references')),
      body,
      notes,
    },
  };
}

/**
 * mailparser yields no text both for a truly empty body and for a MIME tree
 * it could not read (a multipart without a boundary): tell the two apart.
 */
function emptyReason(raw: Buffer): string {
  const text = raw.toString('latin1');
  const start = text.search(/\r?\n\r?\n/);
  const rawBody = start < 0 ? '' : text.slice(start).trim();
  return rawBody.length === 0
    ? 'empty body'
    : 'broken MIME: no readable text part in a non-empty body';
}

type Rejected = Extract<ParseOutcome, { ok: false }>;

function rejected(sha256: string, messageId: string | undefined, reason: string): Rejected {
  return messageId ? { ok: false, sha256, messageId, reason } : { ok: false, sha256, reason };
}

/** The Message-ID read straight from the header block, for mail the parser never sees. */
function rawMessageId(raw: Buffer): string | undefined {
  return normalizeMessageId(rawHeader(rawHeaderBlock(raw), 'message-id'));
}
