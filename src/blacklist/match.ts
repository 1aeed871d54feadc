import type { ListEntry } from './parse.js';
import { splitPattern } from './parse.js';

/**
 * test_progs' selection semantics at the test level (test_progs.c should_run), so that
 * what bpfci believes was denied is exactly what test_progs skipped:
 * - a deny entry without a subtest removes the whole test; one with a subtest leaves the
 *   test running (test_progs itself skips the matching subtests);
 * - the allow list is consulted after the deny list; an empty allow list allows everything;
 * - `*` globs on both parts, anchored at both ends.
 */

export interface Filter {
  test: string;
  subtest?: string;
}

export interface Selector {
  deny: Filter[];
  allow: Filter[];
}

export function selector(deny: string[], allow: string[] = []): Selector {
  return { deny: deny.map(splitPattern), allow: allow.map(splitPattern) };
}

/** glob_match() from test_progs.c: only `*` is special. */
export function globMatch(str: string, pat: string): boolean {
  let s = 0;
  let p = 0;
  while (s < str.length && p < pat.length && pat[p] !== '*') {
    if (str[s] !== pat[p]) return false;
    s++;
    p++;
  }
  if (pat[p] === '*') {
    while (pat[p] === '*') p++;
    if (p === pat.length) return true;
    for (; s < str.length; s++) if (globMatch(str.slice(s), pat.slice(p))) return true;
  }
  return s === str.length && p === pat.length;
}

export function shouldRunTest(sel: Selector, test: string): boolean {
  if (sel.deny.some((f) => f.subtest === undefined && globMatch(test, f.test))) return false;
  if (sel.allow.length === 0) return true;
  return sel.allow.some((f) => globMatch(test, f.test));
}

/**
 * Sorted, deduplicated patterns; `a/sub` dropped when bare `a` is present (BPF CI's
 * normalize_bpf_test_names.py does the same; the prefix must be exactly `a/`).
 */
export function normalizePatterns(entries: Pick<ListEntry, 'pattern'>[]): string[] {
  const all = new Set(entries.map((e) => e.pattern));
  return [...all]
    .filter((p) => {
      const { test, subtest } = splitPattern(p);
      return subtest === undefined || !all.has(test);
    })
    .sort();
}
