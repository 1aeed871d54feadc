/**
 * The in-tree DENYLIST/ALLOWLIST format (tools/testing/selftests/bpf/DENYLIST*): one
 * `test` or `test/subtest` pattern per line, `*` globs, `#` starts a comment (whole line
 * or end of line), blank lines ignored. bpfci reads metadata out of an entry's comment:
 * `fixed-by: <commit>` (the entry expires once that commit is in the tested base),
 * `link: <url>` or a bare URL, and the rest of the comment is the reason. Files written
 * for BPF CI therefore read unchanged, and ours stay valid for test_progs -d@file.
 */

export interface ListEntry {
  /** The pattern as test_progs sees it: `test` or `test/subtest`. */
  pattern: string;
  test: string;
  subtest?: string;
  reason?: string;
  link?: string;
  fixedBy?: string;
  source: string;
  line: number;
}

export interface ListProblem {
  source: string;
  line: number;
  message: string;
}

export interface ParsedList {
  entries: ListEntry[];
  problems: ListProblem[];
}

const FIXED_BY = /\bfixed-by:\s*(\S+)/i;
const LINK = /\blink:\s*(\S+)|(https?:\/\/\S+)/i;
const COMMIT = /^[0-9a-f]{7,40}$/i;

export function parseList(text: string, source: string): ParsedList {
  const entries: ListEntry[] = [];
  const problems: ListProblem[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const hash = raw.indexOf('#');
    const pattern = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    if (!pattern) return;
    const problem = checkPattern(pattern);
    if (problem) {
      problems.push({ source, line, message: problem });
      return;
    }
    const entry: ListEntry = { pattern, ...splitPattern(pattern), source, line };
    if (hash >= 0) Object.assign(entry, parseComment(raw.slice(hash + 1), source, line, problems));
    entries.push(entry);
  });
  return { entries, problems };
}

export function splitPattern(pattern: string): { test: string; subtest?: string } {
  // test_progs splits at the first '/': subtest names may contain '/', test names never.
  const slash = pattern.indexOf('/');
  if (slash < 0) return { test: pattern };
  return { test: pattern.slice(0, slash), subtest: pattern.slice(slash + 1) };
}

function checkPattern(pattern: string): string | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting them is the point
  if (/[\x00-\x08\x0b-\x1f\x7f]/.test(pattern)) return 'control character in pattern';
  if (pattern.startsWith('/')) return `"${pattern}": empty test name before "/"`;
  if (pattern.includes(',')) {
    return `"${pattern}": "," separates patterns on test_progs' command line; one entry per line`;
  }
  if (/^\S+\s+\S/.test(pattern) && !pattern.includes('/')) {
    return `"${pattern}": a test name has no spaces (missing "#" before a comment?)`;
  }
  return undefined;
}

function parseComment(
  comment: string,
  source: string,
  line: number,
  problems: ListProblem[],
): Pick<ListEntry, 'reason' | 'link' | 'fixedBy'> {
  let rest = comment;
  const out: Pick<ListEntry, 'reason' | 'link' | 'fixedBy'> = {};
  const fixed = FIXED_BY.exec(rest);
  if (fixed?.[1]) {
    if (COMMIT.test(fixed[1])) out.fixedBy = fixed[1].toLowerCase();
    else problems.push({ source, line, message: `fixed-by "${fixed[1]}" is not a commit id` });
    rest = rest.replace(fixed[0], ' ');
  }
  const link = LINK.exec(rest);
  if (link) {
    out.link = link[1] ?? link[2];
    rest = rest.replace(link[0], ' ');
  }
  const reason = rest.replace(/\s+/g, ' ').replace(/^[\s;,]+|[\s;,]+$/g, '');
  if (reason) out.reason = reason;
  return out;
}
