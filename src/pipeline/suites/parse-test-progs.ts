import type { TestResult, TestStatus } from '../../verdict/tests.js';
import { excerptOf } from './excerpt.js';

/**
 * test_progs' text output (test_progs.c; the same in 6.1 and later trees):
 *   #1/5     align/unknown shift:OK
 *   #1       align:OK
 *   #29      btf_tag:OK (SKIP: 3/9)
 *   <log lines of a failed test, printed before its result line>
 *   All error logs:            (failed tests' logs again, after the run)
 *   Summary: 251/1294 PASSED, 51 SKIPPED, 14 FAILED
 * Results are keyed by name (`test` or `test/subtest`); the numbers shift between trees.
 */

export interface TestProgsSummary {
  tests: number;
  subtests: number;
  skipped: number;
  failed: number;
}

export interface ParsedTestProgs {
  tests: TestResult[];
  summary?: TestProgsSummary;
  /** test_progs said bpf_testmod.ko did not load: tests needing it skip or fail. */
  testmodMissing: boolean;
  /** Why, as test_progs printed it ("Failed to load bpf_testmod.ko into the kernel: -22"). */
  testmodError?: string;
  /** Lines printed before the first result (setup errors live here). */
  preamble: string[];
}

const RESULT = /^#\d+(?:\/\d+)?\s+(\S.*?):(OK|SKIP|FAIL)(?: \(SKIP: \d+\/\d+\))?$/;
const SUMMARY = /^Summary: (\d+)\/(\d+) PASSED, (\d+) SKIPPED, (\d+) FAILED/;
const STATUS: Record<string, TestStatus> = { OK: 'pass', SKIP: 'skip', FAIL: 'fail' };

export function parseTestProgs(text: string): ParsedTestProgs {
  const byName = new Map<string, TestResult>();
  const out: ParsedTestProgs = { tests: [], testmodMissing: false, preamble: [] };
  let pending: string[] = [];
  let seenResult = false;
  for (const line of text.split(/\r?\n/)) {
    if (
      /Selftests relying on bpf_testmod\.ko will be skipped|Failed to load bpf_testmod\.ko/.test(
        line,
      )
    ) {
      out.testmodMissing = true;
    }
    const why = /(?:Can't find|Failed to load) bpf_testmod\.ko.*$/.exec(line);
    if (why && !out.testmodError) out.testmodError = why[0].trim();
    const summary = SUMMARY.exec(line);
    if (summary) {
      const [tests, subtests, skipped, failed] = summary.slice(1).map(Number) as number[];
      out.summary = {
        tests: tests ?? 0,
        subtests: subtests ?? 0,
        skipped: skipped ?? 0,
        failed: failed ?? 0,
      };
      continue;
    }
    if (line === 'All error logs:') {
      pending = [];
      continue;
    }
    const m = RESULT.exec(line);
    if (!m?.[1] || !m[2]) {
      if (!seenResult) out.preamble.push(line);
      pending.push(line);
      continue;
    }
    seenResult = true;
    record(byName, m[1], STATUS[m[2]] ?? 'fail', pending);
    pending = [];
  }
  out.tests = [...byName.values()];
  return out;
}

function record(
  byName: Map<string, TestResult>,
  name: string,
  status: TestStatus,
  log: string[],
): void {
  const excerpt = status === 'pass' ? undefined : excerptOf(log);
  const known = byName.get(name);
  // The "All error logs:" section repeats failed results: fill a missing excerpt only.
  if (known) {
    if (!known.excerpt && excerpt) known.excerpt = excerpt;
    return;
  }
  byName.set(name, excerpt ? { name, status, excerpt } : { name, status });
}
