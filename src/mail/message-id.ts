// What cannot go back into a header, or onto a terminal: C0 and C1 controls, DEL.
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Message-IDs as b4 and public-inbox key them: the text between the angle
 * brackets, with folding whitespace removed, case kept (lore URLs are
 * case-sensitive), and every other character kept as it is, non-ASCII
 * included, so a reply's In-Reply-To matches. Returns undefined for an empty
 * or absurd value, or one with a control character (NUL, ESC, ...).
 */
export function normalizeMessageId(value: string | undefined | null): string | undefined {
  if (!value) return undefined;
  const bracketed = /<([^<>]*)>/.exec(value);
  const inner = (bracketed ? bracketed[1] : value) ?? '';
  const id = inner.replace(/[ \t\r\n]+/g, '');
  if (id.length === 0 || id.length > 500 || UNSAFE.test(id)) return undefined;
  return id;
}

/** Every <id> in a References or In-Reply-To header, oldest first, without repeats. */
export function parseReferences(value: string | undefined | null): string[] {
  if (!value) return [];
  const ids: string[] = [];
  for (const m of value.matchAll(/<([^<>]*)>/g)) {
    const id = normalizeMessageId(`<${m[1]}>`);
    if (id && !ids.includes(id)) ids.push(id);
  }
  // Some clients write a bare id without brackets.
  if (ids.length === 0) {
    const bare = normalizeMessageId(value.trim().split(/\s+/)[0]);
    if (bare?.includes('@')) ids.push(bare);
  }
  return ids;
}
