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
  /** Set when the counter is impossible (`7/3`, `0/0`): the message cannot be placed. */
  invalid?: string;
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
  // Leading bracket groups, also `[RFC][PATCH 1/2]` and damaged `[[PATCH]]`.
  for (let m = /^\[+([^\]]*)\]+\s*/.exec(rest); m; m = /^\[+([^\]]*)\]+\s*/.exec(rest)) {
    tokens.push(...tokenize(m[1] ?? ''));
    rest = rest.slice(m[0].length);
  }
  return { ...readTokens(tokens), subject: rest.trim(), reply };
}

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
    if (counter) {
      info.index = Number(counter[1]);
      info.total = Number(counter[2]);
      info.counterInferred = false;
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
    if (info.total === 0) info.invalid = `subject counter ${info.index}/0 has no patches`;
    else if (info.index > info.total) {
      info.invalid = `subject counter ${info.index}/${info.total} is past the end of the series`;
    }
  }
  if (!info.versionInferred && info.version === 0) info.invalid = 'subject version v0 is not valid';
  return info;
}
