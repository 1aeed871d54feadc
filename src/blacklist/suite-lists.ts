import type { ScopedEntry } from './load.js';

/** The entries that apply to one suite, split by kind. */
export interface SuiteLists {
  deny: ScopedEntry[];
  allow: ScopedEntry[];
}

export interface SuiteIdentity {
  name: string;
  kind: string;
  binary?: string;
}

/**
 * Which entries filter a suite. A file named for it (`DENYLIST.test_maps`, by suite name,
 * kind or binary) always does; the general and arch files do for test_progs-kind suites
 * only, because their names are test_progs tests (they are BPF CI's test_progs lists).
 */
export function listsForSuite(entries: ScopedEntry[], suite: SuiteIdentity): SuiteLists {
  const named = (q: string): boolean => q === suite.name || q === suite.kind || q === suite.binary;
  const applies = (e: ScopedEntry): boolean =>
    e.suite ? named(e.suite) : suite.kind === 'test_progs';
  const mine = entries.filter(applies);
  return {
    deny: mine.filter((e) => e.kind === 'deny'),
    allow: mine.filter((e) => e.kind === 'allow'),
  };
}

/** What keys a baseline: every entry of every suite, in a stable order. */
export function listsKey(entries: ScopedEntry[]): string[] {
  return [...new Set(entries.map((e) => `${e.kind}:${e.suite ?? '*'}:${e.pattern}`))].sort();
}
