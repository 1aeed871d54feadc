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

/** Whether a file is an mbox (starts with a From_ line) rather than one message. */
export function isMbox(data: Buffer): boolean {
  const first = data.subarray(0, 200).toString('latin1').split(/\r?\n/, 1)[0] ?? '';
  return FROM_LINE.test(first);
}

export function detectFormat(data: Buffer): MboxFormat {
  return data.subarray(0, 5 + 'mboxrd@z'.length).toString('latin1') === 'From mboxrd@z'
    ? 'mboxrd'
    : 'mboxo';
}

/**
 * Splits an mbox into raw messages (without the From_ line), undoing the
 * quoting. Works on bytes (latin1 is a 1:1 byte mapping) so 8-bit mail passes
 * through unchanged; keeps CRLF line endings where the file has them.
 */
export function splitMbox(data: Buffer, format: MboxFormat = detectFormat(data)): Buffer[] {
  const text = data.toString('latin1');
  const lines = text.split(/(?<=\n)/);
  const messages: string[][] = [];
  let current: string[] | undefined;
  let previousBlank = true;
  for (const line of lines) {
    const bare = line.replace(/\r?\n$/, '');
    if (previousBlank && FROM_LINE.test(bare)) {
      current = [];
      messages.push(current);
      previousBlank = false;
      continue;
    }
    previousBlank = bare.length === 0;
    current?.push(unquote(line, format));
  }
  return messages.map((m) => Buffer.from(dropSeparator(m).join(''), 'latin1'));
}

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
