/**
 * Mail headers are attacker-controlled and mailparser decodes encoded words
 * faithfully, so a decoded Subject or display name can carry CR/LF (header
 * injection when we reply), NUL, ANSI escapes (terminal spoofing in `bpfci
 * series list`) and bidi controls (text that reads differently than it sorts).
 * Every header value bpfci uses goes through cleanHeader(); the raw bytes stay
 * untouched on disk.
 */

// CSI/OSC and two-byte escape sequences, then any C0/C1 control left over.
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
const ANSI = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[@-Z\\-_])/g;
// Control characters except TAB (turned into a space below).
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;
// Bidi embeddings/overrides/isolates and marks, plus zero-width and BOM characters.
const INVISIBLE = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/** A header value safe to print, store, and put back into a header. */
export function cleanHeader(value: string | undefined | null, maxLength = 998): string {
  if (!value) return '';
  return value
    .replace(ANSI, '')
    .replace(/\t/g, ' ')
    .replace(CONTROL, ' ')
    .replace(INVISIBLE, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, maxLength);
}
