import type { SuiteResult } from './tests.js';

/**
 * What each stage found, as data: a patch that does not apply, a build that fails or a
 * kernel that panics is a result here, never an exception (DESIGN.md, conventions).
 * These are the parts of a Verdict the reports and the run page show stage by stage.
 */

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
