/**
 * The data that flows between pipeline stages and into reports. Test outcomes are
 * verdicts (these types), never exceptions. Every stage fills one StageResult.
 */

export type StageName = 'apply' | 'build' | 'boot' | 'test' | 'judge';

export interface PatchRef {
  /** 1-based index in the series. */
  index: number;
  messageId: string;
  subject: string;
  patchworkId?: number;
}

export type ApplyStatus = 'pass' | 'conflict' | 'already-applied' | 'skip';

export interface PatchApply {
  index: number;
  subject: string;
  status: 'applied' | 'failed' | 'not-attempted' | 'already-applied';
  conflictFiles?: string[];
  conflictDiff?: string;
  error?: string;
  /** Why a failed patch failed: a merge conflict, a file it needs is missing, or git cannot parse it. */
  failKind?: 'conflict' | 'missing-file' | 'corrupt' | 'other';
  /** The lane commit this patch became (bisection checks out base + first k patches). */
  commit?: string;
  /** For already-applied patches: the upstream commit that has it, and how it was matched. */
  upstream?: { commit: string; by: 'patch-id' | 'subject' | 'no-change' };
}

export interface ApplyResult {
  status: ApplyStatus;
  tree: string;
  baseSha: string;
  /** Why this tree and base were chosen (base-commit, subject tag, delegate, default, fallback). */
  baseReason: string;
  reason?: string;
  patches: PatchApply[];
  /** The lane's HEAD after the series applied. */
  headSha?: string;
  /** Every tree/base tried, in order, when the first did not apply (routing.fallback). */
  attempts?: {
    tree: string;
    baseSha: string;
    baseReason: string;
    status: ApplyStatus;
    reason?: string;
  }[];
}

export interface BuildError {
  file?: string;
  line?: number;
  message: string;
  context: string;
}

export interface BuildResult {
  status: 'pass' | 'fail' | 'timeout' | 'contained';
  target: 'kernel' | 'selftests';
  durationMs: number;
  warnings: number;
  newWarnings: string[];
  firstError?: BuildError;
  /** Objects compiled (CC lines): the measure of incrementality. */
  compiled: number;
  /** The first patch that breaks the build, found by bisection. */
  guiltyPatch?: number;
  logPath?: string;
  reason?: string;
}

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

export interface Crash {
  kind:
    | 'panic'
    | 'oops'
    | 'bug'
    | 'warning'
    | 'kasan'
    | 'ubsan'
    | 'soft-lockup'
    | 'hard-lockup'
    | 'rcu-stall'
    | 'hung-task'
    | 'oom';
  /** Top of the call chain, stable across runs: what to compare against the base. */
  fingerprint: string;
  excerpt: string;
}

export interface BootResult {
  status: 'ok' | 'crash' | 'timeout' | 'no-boot' | 'infra';
  kernel: string;
  accel: 'kvm' | 'tcg';
  suites: SuiteResult[];
  crashes: Crash[];
  consolePath?: string;
  durationMs: number;
  reason?: string;
  /** `uname -r` of the booted kernel, when known (picks the version deny list). */
  kernelRelease?: string;
  /** The guest reached its end marker (every suite ran). */
  completed?: boolean;
  /** Guest tools (ping, keyctl, ...) missing from the guest root: infrastructure. */
  missingTools?: string[];
}

/** `added`: a veristat program the series adds that does not verify (listed, never blamed). */
export type FailureClass = 'new' | 'pre-existing' | 'flaky' | 'fixed' | 'infra' | 'added';

export interface JudgedFailure {
  suite: string;
  name: string;
  class: FailureClass;
  excerpt?: string;
  /** 1-based index of the patch that introduced it (bisection). */
  guiltyPatch?: number;
  /** When bisection could only narrow it down: the first and last candidate patch. */
  guiltyRange?: [number, number];
  /** Why the judge put it in this class, in words for the report ("failed 1 of 3 runs"). */
  reason?: string;
}

/** A veristat program whose verification cost grew beyond the suite's growthPercent. */
export interface VeristatGrowth {
  suite: string;
  name: string;
  metric: 'insns' | 'states';
  base: number;
  series: number;
  /** Rounded to one decimal. */
  percent: number;
}

export type SeriesVerdict = 'success' | 'failure' | 'warning' | 'infra';

export interface Verdict {
  verdict: SeriesVerdict;
  summary: string;
  apply?: ApplyResult;
  build?: BuildResult[];
  boot?: BootResult;
  failures: JudgedFailure[];
  guiltyPatch?: number;
  baselineRunId?: number;
  extraRuns: number;
  /** How the extra runs were spent: reruns on the series kernel, on the base, bisection probes. */
  extraRunsDetail?: { seriesReruns: number; baseReruns: number; bisect: number };
  /** The baseline's cache key (tree, base, config, toolchain, suites) and base commit. */
  baseline?: { key: string; tree: string; baseSha: string };
  versionDiff?: { fixed: string[]; broken: string[]; previousSeriesId: number };
  /** veristat programs that cost the verifier more than allowed: a warning. */
  growth?: VeristatGrowth[];
}
