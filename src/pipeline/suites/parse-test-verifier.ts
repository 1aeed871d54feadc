import type { TestResult, TestStatus } from '../../verdict/tests.js';
import { excerptOf, uniqueNamer } from './excerpt.js';

/**
 * test_verifier: `#<n>/<u|p> <description> OK|SKIP|FAIL[...]`, the failure's log on the
 * following lines, then `Summary: 1365 PASSED, 647 SKIPPED, 0 FAILED`. A test is named
 * `<description> [u]` or `[p]` (unprivileged / privileged run); descriptions are not
 * unique in the tree (17 repeats in 6.1), so a repeat gets " (2)", " (3)" in file order.
 *
 * stderr is interleaved: libbpf can print between a header and its verdict
 * (`#1077/u spin_lock: test1 success Failed to load BTF spec: '...'` then `OK` on the
 * next line). The clean description is the shortest one printed for the same number
 * (the other run of that test usually has it); the number is only used for that, within
 * one output, never as the key.
 */

export interface ParsedVerifier {
  tests: TestResult[];
  summary?: { passed: number; skipped: number; failed: number };
}

const RESULT = /^#(\d+)\/([up]) (.*) (OK|SKIP|FAIL)((?:[ :(].*)?)$/;
const HEADER = /^#(\d+)\/([up]) (.*)$/;
const VERDICT = /^(OK|SKIP|FAIL)\b(.*)$/;
const SUMMARY = /^Summary: (\d+) PASSED, (\d+) SKIPPED, (\d+) FAILED/;
const STATUS: Record<string, TestStatus> = { OK: 'pass', SKIP: 'skip', FAIL: 'fail' };

export function parseTestVerifier(text: string): ParsedVerifier {
  const lines = text.split(/\r?\n/);
  const clean = cleanDescriptions(lines);
  const out: ParsedVerifier = { tests: [] };
  const unique = uniqueNamer();
  let header: { num: string; mode: string; descr: string } | undefined;
  let current: { test: TestResult; log: string[] } | undefined;
  const close = (): void => {
    if (current && current.test.status !== 'pass') {
      const excerpt = excerptOf(current.log);
      if (excerpt) current.test.excerpt = excerpt;
    }
    current = undefined;
  };
  const open = (num: string, mode: string, descr: string, verdict: string, rest: string): void => {
    close();
    const name = unique(`${clean.get(num) ?? descr} [${mode}]`);
    const test: TestResult = { name, status: STATUS[verdict] ?? 'fail', number: Number(num) };
    out.tests.push(test);
    current = { test, log: rest.trim() ? [`${verdict}${rest}`] : [] };
  };
  for (const line of lines) {
    const summary = SUMMARY.exec(line);
    const m = RESULT.exec(line);
    const h = m ? undefined : HEADER.exec(line);
    const v = header ? VERDICT.exec(line) : undefined;
    if (summary) {
      close();
      const [passed, skipped, failed] = summary.slice(1).map(Number) as number[];
      out.summary = { passed: passed ?? 0, skipped: skipped ?? 0, failed: failed ?? 0 };
    } else if (m?.[1] && m[2] && m[3] !== undefined && m[4]) {
      header = undefined;
      open(m[1], m[2], m[3], m[4], m[5] ?? '');
    } else if (h?.[1] && h[2] && h[3] !== undefined) {
      close();
      header = { num: h[1], mode: h[2], descr: h[3] };
    } else if (header && v?.[1]) {
      open(header.num, header.mode, header.descr, v[1], v[2] ?? '');
      header = undefined;
    } else {
      current?.log.push(line);
    }
  }
  close();
  return out;
}

/** Number → the shortest description printed with a verdict on the same line. */
function cleanDescriptions(lines: string[]): Map<string, string> {
  const byNum = new Map<string, string>();
  for (const line of lines) {
    const m = RESULT.exec(line);
    if (!m?.[1] || m[3] === undefined) continue;
    const known = byNum.get(m[1]);
    if (known === undefined || m[3].length < known.length) byNum.set(m[1], m[3]);
  }
  return byNum;
}
