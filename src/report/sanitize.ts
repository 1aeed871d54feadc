import libmime from 'libmime';

/** Longest subject we put in a header; longer ones are cut at a word boundary. */
export const MAX_SUBJECT = 200;

/**
 * Makes a header value taken from mail safe to put back into a header: encoded
 * words are decoded first (an encoded word can hide a CR/LF), then every control
 * character, CR and LF included, becomes a space, runs of whitespace collapse, and
 * the result is capped. nodemailer re-encodes non-ASCII on the way out.
 */
export function sanitizeHeaderText(raw: string, max = MAX_SUBJECT): string {
  let text: string;
  try {
    text = libmime.decodeWords(raw);
  } catch {
    text = raw;
  }
  const clean = text
    .replace(/[\p{Cc}\u2028\u2029]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return capText(clean, max);
}

/** Cuts at the last space before `max` (or hard at `max`), marking the cut. */
export function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  const room = text.slice(0, max - 3);
  const space = room.lastIndexOf(' ');
  return `${space > max / 2 ? room.slice(0, space) : room}...`;
}

/** `Re: <subject>`, without stacking a second `Re:`. */
export function replySubject(original: string): string {
  const subject = sanitizeHeaderText(original, MAX_SUBJECT - 4);
  return /^re:/i.test(subject) ? subject : `Re: ${subject}`;
}

// RFC 5322 msg-id: "<" id-left "@" id-right ">", printable ASCII without specials
// that could break out of the angle brackets or the header, plus the UTF-8 that
// RFC 6532 allows (a non-ASCII id from a mail must come back byte for byte, or the
// reply does not thread), except C1 controls and the bidi/invisible characters.
const MSGID_PART =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: excluding them is the point
  /^(?:[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]|[^\u0000-\u00a0\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff])+$/u;

/**
 * Normalises a Message-ID from mail into `<left@right>` form, or null when it is not
 * a plausible msg-id (then it must not be put in In-Reply-To/References at all).
 */
export function cleanMessageId(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const inner = raw.trim().replace(/^<|>$/g, '');
  if (inner.length === 0 || inner.length > 250) return null;
  const at = inner.lastIndexOf('@');
  if (at <= 0 || at === inner.length - 1) return null;
  const left = inner.slice(0, at);
  const right = inner.slice(at + 1);
  if (!MSGID_PART.test(left) || !MSGID_PART.test(right)) return null;
  return `<${inner}>`;
}

// A deliberately strict addr-spec: what a patch submitter's address looks like.
const ADDRESS =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;

/** A bare address from mail, or null if it is not one (no display names, no lists). */
export function cleanAddress(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const addr = raw.trim().replace(/^<|>$/g, '');
  return ADDRESS.test(addr) && addr.length <= 254 ? addr : null;
}

/** `"Name" <addr>` with the name sanitised and quoted, or the bare address. */
export function formatAddress(name: string | null | undefined, addr: string): string {
  const clean = sanitizeHeaderText(name ?? '', 80).replace(/["\\]/g, '');
  return clean ? `"${clean}" <${addr}>` : addr;
}
