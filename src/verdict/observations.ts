import type { BootResult } from './stages.js';
import { KERNEL_SUITE } from './suites.js';
import type { TestStatus } from './tests.js';

/**
 * A run's results as the store keeps them (one row per test) and as the judge compares
 * them with the baseline: flat, keyed by suite and name.
 */

/** One test outcome in one run, keyed by suite and NAME (numbers shift between trees). */
export interface TestObservation {
  suite: string;
  name: string;
  status: TestStatus;
  excerpt?: string;
  metrics?: Record<string, number>;
}

export function testKey(t: { suite: string; name: string }): string {
  return `${t.suite}/${t.name}`;
}

/**
 * Everything a boot observed, flattened to tests: each suite's tests, plus one
 * failing pseudo-test per distinct crash fingerprint, so a panic the series
 * introduces is judged exactly like a failing test (and one the base has too is not).
 */
export function observationsOf(boot: BootResult): TestObservation[] {
  const out: TestObservation[] = [];
  for (const suite of boot.suites) {
    for (const t of suite.tests) {
      const { name, status, excerpt, metrics } = t;
      out.push({ suite: suite.suite, name, status, excerpt, ...(metrics ? { metrics } : {}) });
    }
  }
  const seen = new Set<string>();
  for (const crash of boot.crashes) {
    const name = `${crash.kind}: ${crash.fingerprint}`;
    if (seen.has(name)) continue;
    seen.add(name);
    out.push({ suite: KERNEL_SUITE, name, status: 'fail', excerpt: crash.excerpt });
  }
  return out;
}

/** Only the tests that failed, keyed by suite/name. */
export function failuresOf(tests: TestObservation[]): Map<string, TestObservation> {
  const out = new Map<string, TestObservation>();
  for (const t of tests) if (t.status === 'fail') out.set(testKey(t), t);
  return out;
}
