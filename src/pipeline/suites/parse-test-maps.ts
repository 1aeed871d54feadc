import type { TestResult } from '../../verdict/tests.js';
import { excerptOf, uniqueNamer } from './excerpt.js';

/**
 * test_maps prints little: the map_tests/ print `name:PASS` (some with a suffix such as
 * ` with inner HASH map`) or `name SKIP (reason)`; a CHECK() failure prints
 * `func(line):FAIL:tag ...` and exits; the core tests print nothing on success, and a
 * clean run ends with `test_maps: OK, N SKIPPED`. So the core tests are one result named
 * `test_maps`, which passes only on that final line.
 */

export interface ParsedMaps {
  tests: TestResult[];
  finished: boolean;
  skipped?: number;
}

const PASS = /^(\w+):PASS(?: (.*))?$/;
const SKIP = /^(\w+) SKIP \((.*)\)$/;
const FAIL = /^(\w+)\(\d+\):FAIL:(.*)$/;
const DONE = /^test_maps: OK, (\d+) SKIPPED$/;

export function parseTestMaps(text: string, exitCode: number | null): ParsedMaps {
  const tests: TestResult[] = [];
  const unique = uniqueNamer();
  const lines = text.split(/\r?\n/);
  let finished = false;
  let skipped: number | undefined;
  let failedCheck = false;
  lines.forEach((line, i) => {
    const done = DONE.exec(line);
    const pass = PASS.exec(line);
    const skip = SKIP.exec(line);
    const fail = FAIL.exec(line);
    if (done) {
      finished = true;
      skipped = Number(done[1]);
    } else if (pass?.[1]) {
      tests.push({ name: unique(pass[2] ? `${pass[1]}/${pass[2]}` : pass[1]), status: 'pass' });
    } else if (skip?.[1]) {
      tests.push({ name: unique(skip[1]), status: 'skip', excerpt: skip[2] });
    } else if (fail?.[1]) {
      failedCheck = true;
      tests.push({
        name: unique(fail[1]),
        status: 'fail',
        excerpt: excerptOf(lines.slice(Math.max(0, i - 5), i + 5)) ?? line,
      });
    }
  });
  const ok = finished && exitCode === 0;
  if (ok || !failedCheck) {
    const core: TestResult = { name: 'test_maps', status: ok ? 'pass' : 'fail' };
    if (!ok) core.excerpt = excerptOf(lines) ?? `test_maps exited ${exitCode} without output`;
    tests.push(core);
  }
  return skipped === undefined ? { tests, finished } : { tests, finished, skipped };
}
