import type { ParsedMessage } from '../mail/parse.js';

// Review trailers Patchwork writes into the mboxes it rebuilds, and Link: tags.
const ADDED_TRAILER = /^(?:[A-Z][A-Za-z-]*-by|Link|Closes): .*$/;

/**
 * Whether two copies of one Message-ID carry the same patch: the same subject
 * and the same text once line endings, trailing blanks and the trailers a
 * Patchwork mbox adds are set aside. Headers do not count: every route (the
 * list's IMAP copy, lore, Patchwork) adds its own.
 */
export function samePatch(a: ParsedMessage, b: ParsedMessage): boolean {
  return a.subjectRaw === b.subjectRaw && comparable(a.body) === comparable(b.body);
}

function comparable(body: string): string {
  return body
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => line.replace(/\s+$/, ''))
    .filter((line) => !ADDED_TRAILER.test(line))
    .join('\n')
    .replace(/\n+$/, '');
}
