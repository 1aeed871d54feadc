import { cleanHeader } from './sanitize.js';

/** What a subject line says about a message, following b4's LoreSubject rules. */
export interface SubjectInfo {
  /** The subject without reply markers and bracket prefixes. */
  subject: string;
  reply: boolean;
  /** A `PATCH` token was present. */
  patch: boolean;
  /** `[GIT PULL]`. */
  pull: boolean;
  rfc: boolean;
  resend: boolean;
  version: number;
  versionInferred: boolean;
  /** Position in the series: 0 is the cover letter. */
  index: number;
  total: number;
  counterInferred: boolean;
  /** Unclassified prefix tokens, in order (`bpf-next`, `selftests`, ...). */
  prefixes: string[];
  /** The first prefix, lowercased: the tree the author aimed at (a hint, not routing). */
  treeTag?: string;
  /**
   * Set when the counter or version is odd (`7/3`, `0/0`, `v0`, a number too big
   * to keep): the mail is stored and shown, its series held back from testing.
   */
  odd?: string;
}

const REPLY = /^(?:re|aw|fwd?|sv|antw)\s*(?:\[\d+\])?\s*:\s*/i;

/** Parses a (decoded) Subject header. */
export function parseSubject(raw: string | undefined): SubjectInfo {
  let rest = cleanHeader(raw);
  let reply = false;
  for (let m = REPLY.exec(rest); m; m = REPLY.exec(rest)) {
    reply = true;
    rest = rest.slice(m[0].length);
  }
  const tokens: string[] = [];
  // Leading bracket groups, also `[RFC][PATCH 1/2]`, damaged `[[PATCH]]` and
  // nested `[PATCH [bpf-next] v2 1/2]`: a group ends where its brackets balance.
  for (let g = bracketGroup(rest); g; g = bracketGroup(rest)) {
    tokens.push(...tokenize(g.inner.replace(/[[\]]/g, ' ')));
    rest = rest.slice(g.length).trimStart();
  }
  return { ...readTokens(tokens), subject: rest.trim(), reply };
}

/** The balanced `[...]` group at the start of text, or undefined (none, or never closed). */
function bracketGroup(text: string): { inner: string; length: number } | undefined {
  if (!text.startsWith('[')) return undefined;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '[') depth++;
    else if (text[i] === ']' && --depth === 0) return { inner: text.slice(1, i), length: i + 1 };
  }
  return undefined;
}

// Longer numbers are not a version or a counter anyone sent on purpose, and past
// 2^53 they would not even survive as a number.
const MAX_DIGITS = 6;

function tokenize(group: string): string[] {
  return group
    .replace(/\b(PATCH|RFC|RESEND)-?v(\d+)\b/gi, '$1 v$2') // [PATCHv3], [PATCH-v3]
    .split(/[\s,]+/)
    .filter((t) => t.length > 0);
}

function readTokens(tokens: string[]): Omit<SubjectInfo, 'subject' | 'reply'> {
  const info: Omit<SubjectInfo, 'subject' | 'reply'> = {
    patch: false,
    pull: false,
    rfc: false,
    resend: false,
    version: 1,
    versionInferred: true,
    index: 1,
    total: 1,
    counterInferred: true,
    prefixes: [],
  };
  const upper = tokens.map((t) => t.toUpperCase());
  info.pull = upper.includes('GIT') && upper.includes('PULL');
  for (const token of tokens) {
    const lower = token.toLowerCase();
    const counter = /^(\d+)\/(\d+)$/.exec(token);
    const version = /^v(\d+)$/i.exec(token);
    if (counter && (counter[1] ?? '').length + (counter[2] ?? '').length > 2 * MAX_DIGITS) {
      info.odd ??= `subject counter "${token.slice(0, 40)}" is not a believable number`;
    } else if (counter) {
      info.index = Number(counter[1]);
      info.total = Number(counter[2]);
      info.counterInferred = false;
    } else if (version && (version[1] ?? '').length > MAX_DIGITS) {
      info.odd ??= `subject version "${token.slice(0, 40)}" is not a believable number`;
    } else if (version) {
      info.version = Number(version[1]);
      info.versionInferred = false;
    } else if (lower.startsWith('rfc')) info.rfc = true;
    else if (lower === 'resend') info.resend = true;
    else if (lower === 'patch' || lower === 'patches') info.patch = true;
    else if (info.pull && (lower === 'git' || lower === 'pull')) continue;
    else info.prefixes.push(token);
  }
  const tree = info.prefixes[0]?.toLowerCase();
  if (tree) info.treeTag = tree;
  if (!info.counterInferred) {
    if (info.total === 0) info.odd ??= `subject counter ${info.index}/0 has no patches`;
    else if (info.index > info.total) {
      info.odd ??= `subject counter ${info.index}/${info.total} is past the end of the series`;
    }
  }
  if (!info.versionInferred && info.version === 0) info.odd ??= 'subject version v0 is not valid';
  return info;
}
