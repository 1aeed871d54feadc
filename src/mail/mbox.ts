/**
 * mbox reading and writing. Two escaping conventions exist: mboxo quotes only
 * `From ` as `>From `, mboxrd quotes `>*From ` by one more `>` so it can be
 * undone exactly. public-inbox writes mboxrd and says so in its From_ line
 * (`From mboxrd@z ...`); for anything else we assume mboxo.
 */
export type MboxFormat = 'mboxo' | 'mboxrd';

// A real From_ line: `From <sender> <asctime>` as mutt, git format-patch
// (`From <sha> Mon Sep 17 00:00:00 2001`) and public-inbox write it. Requiring
// the date keeps an unescaped "From the start, ..." body line from splitting a
// message in two.
const FROM_LINE =
  /^From \S+ +(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2} \d{1,2}:\d{2}(?::\d{2})? (?:[A-Z]{2,5} |[+-]\d{4} )?\d{4}\b/;

/**
 * Whether a file is an mbox rather than one message: its first line (past a BOM
 * and blank lines) is a From_ line, or, for an mbox whose first message lost
 * its From_ line, a later From_ line after a blank line opens a header block
 * with a Message-ID. A format-patch pasted into a mail's body has no
 * Message-ID, so it does not split that mail.
 */
export function isMbox(data: Buffer): boolean {
  const text = leadIn(data.toString('latin1'));
  if (FROM_LINE.test(text.split(/\r?\n/, 1)[0] ?? '')) return true;
  for (const m of text.matchAll(
    /\r?\n\r?\n(From [^\r\n]*)\r?\n((?:[!-9;-~]+:[^\n]*\n(?:[ \t][^\n]*\n)*)+)/g,
  )) {
    if (FROM_LINE.test(m[1] ?? '') && /^message-id:/im.test(m[2] ?? '')) return true;
  }
  return false;
}

/** A UTF-8 BOM and blank lines some tools put before the first From_ line. */
function leadIn(text: string): string {
  return text.replace(/^(?:\xef\xbb\xbf)?(?:[ \t]*\r?\n)*/, '');
}

export function detectFormat(data: Buffer): MboxFormat {
  return leadIn(data.subarray(0, 4096).toString('latin1')).startsWith('From mboxrd@z')
    ? 'mboxrd'
    : 'mboxo';
}

/**
 * Splits an mbox into raw messages (without the From_ line), undoing the
 * quoting. Works on bytes (latin1 is a 1:1 byte mapping) so 8-bit mail passes
 * through unchanged; keeps CRLF line endings where the file has them.
 *
 * A From_ line starts a message after a blank line, as the format says, and
 * also without one when a header line follows it (tools that concatenate
 * messages without the blank line). Text before the first From_ line is kept as
 * a message of its own rather than dropped; an empty file is no messages.
 */
export function splitMbox(data: Buffer, format: MboxFormat = detectFormat(data)): Buffer[] {
  const lines = leadIn(data.toString('latin1')).split(/(?<=\n)/);
  const messages: string[][] = [];
  let current: string[] | undefined;
  let previousBlank = true;
  for (const [i, line] of lines.entries()) {
    const bare = line.replace(/\r?\n$/, '');
    if (FROM_LINE.test(bare) && (previousBlank || HEADER_LINE.test(lines[i + 1] ?? ''))) {
      current = [];
      messages.push(current);
      previousBlank = false;
      continue;
    }
    previousBlank = bare.length === 0;
    if (!current) {
      current = [];
      messages.push(current);
    }
    current.push(unquote(line, format));
  }
  return messages
    .map((m) => dropSeparator(m).join(''))
    .filter((m) => m.trim().length > 0)
    .map((m) => Buffer.from(m, 'latin1'));
}

// RFC 5322 field name: printable ASCII but the colon, then the colon.
const HEADER_LINE = /^[!-9;-~]+:/;

function unquote(line: string, format: MboxFormat): string {
  if (format === 'mboxrd') return /^>+From /.test(line) ? line.slice(1) : line;
  return line.startsWith('>From ') ? line.slice(1) : line;
}

/** The blank line before the next From_ line belongs to the mbox, not the message. */
function dropSeparator(lines: string[]): string[] {
  const last = lines[lines.length - 1];
  return last !== undefined && /^\r?\n$/.test(last) ? lines.slice(0, -1) : lines;
}

/** Quotes a message body for an mboxrd file. */
export function quoteMboxrd(text: string): string {
  return text.replace(/^(>*From )/gm, '>$1');
}

/** One raw message as an mboxrd file of its own (what `git am --patch-format=mboxrd` reads). */
export function mboxrdEntry(raw: Buffer): Buffer {
  const quoted = quoteMboxrd(raw.toString('latin1'));
  return Buffer.from(`From mboxrd@z Thu Jan  1 00:00:00 1970\n${quoted}`, 'latin1');
}
