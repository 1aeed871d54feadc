import type { TestResult, TestStatus } from '../types.js';
import { excerptOf, uniqueNamer } from './excerpt.js';

/**
 * test_verifier: `#<n>/<u|p> <description> OK|SKIP|FAIL[...]`, the failure's log on the
 * following lines, then `Summary: 1365 PASSED, 647 SKIPPED, 0 FAILED`. A test is named
 * `<description> [u]` or `[p]` (unprivileged / privileged run); descriptions are not
 * unique in the tree (17 repeats in 6.1), so a repeat gets " (2)", " (3)" in file order.
 */

export interface ParsedVerifier {
  tests: TestResult[];
  summary?: { passed: number; skipped: number; failed: number };
}

const RESULT = /^#\d+\/([up]) (.*) (OK|SKIP|FAIL)((?:[ :(].*)?)$/;
const SUMMARY = /^Summary: (\d+) PASSED, (\d+) SKIPPED, (\d+) FAILED/;
const STATUS: Record<string, TestStatus> = { OK: 'pass', SKIP: 'skip', FAIL: 'fail' };

export function parseTestVerifier(text: string): ParsedVerifier {
  const out: ParsedVerifier = { tests: [] };
  const unique = uniqueNamer();
  let current: { test: TestResult; log: string[] } | undefined;
  const close = (): void => {
    if (current && current.test.status !== 'pass') {
      const excerpt = excerptOf(current.log);
      if (excerpt) current.test.excerpt = excerpt;
    }
    current = undefined;
  };
  for (const line of text.split(/\r?\n/)) {
    const summary = SUMMARY.exec(line);
    if (summary) {
      close();
      const [passed, skipped, failed] = summary.slice(1).map(Number) as number[];
      out.summary = { passed: passed ?? 0, skipped: skipped ?? 0, failed: failed ?? 0 };
      continue;
    }
    const m = RESULT.exec(line);
    if (!m?.[2] || !m[3]) {
      current?.log.push(line);
      continue;
    }
    close();
    const test: TestResult = { name: unique(`${m[2]} [${m[1]}]`), status: STATUS[m[3]] ?? 'fail' };
    out.tests.push(test);
    current = { test, log: m[4]?.trim() ? [`${m[3]}${m[4]}`] : [] };
  }
  close();
  return out;
}
