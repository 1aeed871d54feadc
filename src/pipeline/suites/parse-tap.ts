import type { TestResult, TestStatus } from '../../verdict/tests.js';
import { excerptOf, uniqueNamer } from './excerpt.js';

/**
 * kselftest TAP 13: `ok 1 selftests: bpf: test_foo`, `not ok 2 name`, directives
 * `# SKIP` and `# TODO` (a TODO failure is not a failure), diagnostics as `# ...` lines
 * before the result. Nested (indented) TAP is the inner runner's business: only the
 * top level counts, as kselftest's own runner does.
 */

// Anything after " # " is a directive or a comment (kselftest adds "# exit=1"): never
// part of the name, or a test would change name when it fails.
const RESULT = /^(not )?ok \d+(?: -)? ?(.*?)(?:\s+#\s*(?:(SKIP|TODO)\b)?(.*))?$/i;

export function parseTap(text: string): { tests: TestResult[]; planned?: number } {
  const tests: TestResult[] = [];
  const unique = uniqueNamer();
  let planned: number | undefined;
  let pending: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const plan = /^1\.\.(\d+)/.exec(line);
    if (plan) planned = Number(plan[1]);
    const m = RESULT.exec(line);
    if (!m) {
      pending.push(line);
      continue;
    }
    const directive = m[3]?.toUpperCase();
    let status: TestStatus = m[1] ? 'fail' : 'pass';
    if (directive === 'SKIP' || (directive === 'TODO' && m[1])) status = 'skip';
    const test: TestResult = { name: unique(m[2] || `test ${tests.length + 1}`), status };
    const excerpt = status === 'pass' ? undefined : excerptOf([...pending, line]);
    if (excerpt) test.excerpt = excerpt;
    tests.push(test);
    pending = [];
  }
  return planned === undefined ? { tests } : { tests, planned };
}
