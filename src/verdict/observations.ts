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
 * failing pseudo-test per distinct crash fingerprint and one for a guest that hung,
 * so a panic or a hang the series introduces is judged exactly like a failing test
 * (and one the base has too is not).
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
  const hang = hangOf(boot);
  if (hang) out.push(hang);
  return out;
}

/**
 * A guest that stopped answering after it booted (the VM was killed at a timeout),
 * named by the suite it hung in, with the last test that started there.
 */
export function hangOf(boot: BootResult): TestObservation | undefined {
  if (boot.status !== 'timeout') return undefined;
  // Suites run in order: the first one without an exit code is the one the guest hung in.
  const suite = boot.suites.find((s) => s.exitCode === null);
  const open = suite?.tests.find((t) => t.excerpt?.startsWith('no result:'));
  const where = open ? `; last test started: ${suite?.suite}/${open.name}` : '';
  return {
    suite: KERNEL_SUITE,
    name: suite ? `hang: ${suite.suite}` : 'hang',
    status: 'fail',
    excerpt: `${boot.reason ?? 'the guest hung'}${where}`,
  };
}

/** Only the tests that failed, keyed by suite/name. */
export function failuresOf(tests: TestObservation[]): Map<string, TestObservation> {
  const out = new Map<string, TestObservation>();
  for (const t of tests) if (t.status === 'fail') out.set(testKey(t), t);
  return out;
}
