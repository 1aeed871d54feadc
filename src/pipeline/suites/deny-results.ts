import type { ScopedEntry } from '../../blacklist/load.js';
import { globMatch, selector, shouldRunTest } from '../../blacklist/match.js';
import type { SuiteLists } from '../../blacklist/suite-lists.js';
import type { DeniedTest, TestResult } from '../../verdict/tests.js';

export interface DenyOutcome {
  tests: TestResult[];
  denied: DeniedTest[];
  /** A denied test had failed: a post-filtered suite's nonzero exit is explained. */
  deniedFailure: boolean;
  warnings: string[];
}

/**
 * Accounts for the deny lists of one suite run.
 *
 * test_progs filtered itself (-d): the denied tests are the ones its unfiltered `-l`
 * listing (`known`) names and an entry matches. test_verifier and test_maps cannot filter
 * by name, so their results are filtered here, on the whole name. Either way an entry that
 * matches no test of the suite is a warning: the test was renamed or removed, and the
 * entry no longer protects anything.
 */
export function applyDenyLists(
  kind: string,
  tests: TestResult[],
  lists: SuiteLists,
  known: string[] | undefined,
  complete: boolean,
  /** test_progs: the run's allow patterns; a denied test outside them would not have run. */
  allow: string[] = [],
): DenyOutcome {
  const out: DenyOutcome = { tests, denied: [], deniedFailure: false, warnings: [] };
  if (kind === 'test_progs') {
    const allowed = selector([], allow);
    for (const e of lists.deny) {
      const named = known?.filter((t) => globMatch(t, e.test));
      if (named && !named.length) out.warnings.push(staleEntry(e));
      const hits = named?.filter((t) => shouldRunTest(allowed, t)) ?? [e.test];
      for (const t of hits) out.denied.push(deniedBy(e, e.subtest ? `${t}/${e.subtest}` : t));
    }
    return out;
  }
  const allowed = (t: TestResult): boolean =>
    !lists.allow.length || lists.allow.some((e) => globMatch(t.name, e.pattern));
  const used = new Set<ScopedEntry>();
  out.tests = tests.filter((t) => {
    const e = lists.deny.find((d) => globMatch(t.name, d.pattern));
    if (!e) return allowed(t);
    used.add(e);
    out.denied.push({ ...deniedBy(e, t.name), ...(t.status === 'pass' ? { passed: true } : {}) });
    if (t.status === 'fail') out.deniedFailure = true;
    return false;
  });
  if (complete) for (const e of lists.deny) if (!used.has(e)) out.warnings.push(staleEntry(e));
  return out;
}

function deniedBy(e: ScopedEntry, name: string): DeniedTest {
  return {
    name,
    pattern: e.pattern,
    source: `${e.source}:${e.line}`,
    ...(e.reason ? { reason: e.reason } : {}),
    ...(e.link ? { link: e.link } : {}),
  };
}

function staleEntry(e: ScopedEntry): string {
  return `deny entry "${e.pattern}" (${e.source}:${e.line}) matches no test of this suite`;
}
