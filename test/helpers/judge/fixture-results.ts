import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestObservation } from '../../../src/verdict/observations.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/judge');

/**
 * Reads the result lines of a recorded test_progs output (`#N name:OK|FAIL|SKIP`,
 * subtests `#N/M test/sub:...`) up to "All error logs:" (which repeats them). A
 * test-side reader only: the real parser belongs to the suites stage.
 */
export function fixtureResults(file: string, suite = 'test_progs'): TestObservation[] {
  const text = readFileSync(join(FIXTURES, file), 'utf8').split('\nAll error logs:\n')[0] ?? '';
  const out: TestObservation[] = [];
  for (const line of text.split('\n')) {
    const m = /^#\d+(?:\/\d+)?\s+(.+):(OK|FAIL|SKIP)\b/.exec(line);
    if (!m?.[1] || !m[2]) continue;
    const status = m[2] === 'OK' ? 'pass' : m[2] === 'FAIL' ? 'fail' : 'skip';
    out.push({ suite, name: m[1], status });
  }
  return out;
}
