/**
 * What one suite runner (test_progs, test_verifier, test_maps, veristat) reported, by
 * test. A suite is named by a string, not by the config's union of runner kinds: the
 * verdict outlives the config that produced it, and its readers must not load config
 * schemas to read a stored verdict.
 */

export type TestStatus = 'pass' | 'fail' | 'skip';

export interface TestResult {
  /** `test` or `test/subtest`, never the number (numbers shift between trees). */
  name: string;
  status: TestStatus;
  excerpt?: string;
  /**
   * test_verifier's `#n`: only meaningful within the run of one build (a series that adds
   * tests shifts the numbers), used to rerun it as `test_verifier n n`.
   */
  number?: number;
  /** What the runner measured, when it measures anything: veristat's insns and states. */
  metrics?: Record<string, number>;
}

/** A test a deny list removed: shown as denied, never judged. */
export interface DeniedTest {
  name: string;
  /** The list entry that removed it, and where it is written. */
  pattern: string;
  source: string;
  reason?: string;
  link?: string;
  /**
   * It ran and passed (suites filtered after the run): the entry may be stale, and the
   * run page says so, so that lists can be pruned. test_progs never runs its denied tests.
   */
  passed?: boolean;
}

export interface SuiteResult {
  suite: string;
  kind: string;
  /** What the runner said as a whole: ok, failed tests, or an infrastructure outcome. */
  outcome: 'ok' | 'failed' | 'infra';
  exitCode: number | null;
  tests: TestResult[];
  infraReason?: string;
  durationMs: number;
  /** Why a suite failed as a whole (no summary, did not finish), beyond its tests. */
  reason?: string;
  /** The suite ran past its timeout and was killed in the guest. */
  timedOut?: boolean;
  /** Tests the merged deny lists removed (test_progs -d, or filtered out after the run). */
  denied?: DeniedTest[];
  /** Tests that could not run for a reason outside the series (a missing guest tool). */
  infraTests?: { name: string; reason: string }[];
  /** Problems worth a look that fail nothing: a deny entry that names no test. */
  warnings?: string[];
}
