/**
 * Plain-text helpers for mail bodies: every line they return fits in `WIDTH` columns.
 * 76, not 80: nodemailer switches an ASCII body to quoted-printable as soon as one
 * line is longer than 76, and QP soft breaks make the raw mail (and lore) ugly.
 */
export const WIDTH = 76;

/**
 * Removes what must not reach a mail body from untrusted text (test output, kernel
 * logs): ANSI escapes and control characters; tabs become spaces so columns count.
 */
export function cleanText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/\p{Cc}\[[0-9;?]*[A-Za-z]/gu, '') // ANSI colour (ESC [ … m)
    .split('\n')
    .map(expandTabs)
    .join('\n')
    .replace(/[^\P{Cc}\n]|[\u2028\u2029]/gu, '');
}

function expandTabs(line: string): string {
  let out = '';
  for (const ch of line) out += ch === '\t' ? ' '.repeat(8 - (out.length % 8)) : ch;
  return out;
}

/**
 * Word-wraps `text` to `width`; continuation lines get `indent`. A single word longer
 * than the line (a URL) is folded hard only if it cannot stand on a line of its own.
 */
export function wrap(text: string, width = WIDTH, first = '', indent = first): string[] {
  const words = cleanText(text).replace(/\s+/g, ' ').trim().split(' ');
  const lines: string[] = [];
  let line = first;
  for (const word of words) {
    const lead = lines.length === 0 ? first : indent;
    const candidate = line.length > lead.length ? `${line} ${word}` : `${line}${word}`;
    if (candidate.length <= width || line.length === lead.length) {
      line = candidate;
      continue;
    }
    lines.push(line);
    line = `${indent}${word}`;
  }
  lines.push(line);
  return lines.flatMap((l) => fold(l, width, indent));
}

/**
 * Folds one line to `width`, continuation lines prefixed with `indent`. Breaks at
 * the last space when there is one in the second half of the line, else hard.
 */
export function fold(line: string, width = WIDTH, indent = '  '): string[] {
  const out: string[] = [];
  let rest = line;
  let room = width;
  while (rest.length > room) {
    const space = rest.lastIndexOf(' ', room);
    const cut = space > room / 2 ? space : room;
    out.push(rest.slice(0, cut).trimEnd());
    rest = `${indent}${rest.slice(cut).trimStart()}`;
    room = width;
  }
  out.push(rest);
  return out;
}

/**
 * A log excerpt for the mail: cleaned, each line folded to the width, at most
 * `maxLines` lines. Kept are the LAST lines, where a failure's cause usually is.
 */
export function excerpt(text: string, maxLines: number, prefix = '  '): string[] {
  const raw = cleanText(text).replace(/\n+$/, '').split('\n');
  const lines = raw.flatMap((l) => fold(`${prefix}${l}`.trimEnd(), WIDTH, `${prefix}  `));
  if (lines.length <= maxLines) return lines;
  const cut = lines.length - maxLines;
  return [`${prefix}[... ${cut} earlier lines cut, see the full log ...]`, ...lines.slice(cut)];
}

/** `label: value` with the value wrapped under itself. */
export function field(label: string, value: string, pad = 10): string[] {
  const head = `${label}:`.padEnd(pad);
  return wrap(value, WIDTH, head, ' '.repeat(pad));
}

/** A short single-line version of untrusted text (test names, subjects in lists). */
export function oneLine(text: string, max = WIDTH): string {
  const clean = cleanText(text).replace(/\s+/g, ' ').trim();
  return clean.length <= max ? clean : `${clean.slice(0, max - 3)}...`;
}
