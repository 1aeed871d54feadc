import type { JudgedFailure, VeristatGrowth } from './failures.js';
import type { ApplyResult, BootResult, BuildResult } from './stages.js';

/**
 * The verdict on one series revision: what every stage found and what the judge
 * decided. The pipeline writes it; the store keeps it as JSON, and the reports, the
 * web pages and the CLI read it back. It lives here, below all of them, so that its
 * readers never depend on the stage that produces it (see DESIGN.md, dependency rules).
 */

/** The series as a whole, as one Patchwork state and one line of the mail. */
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
  /** The older-kernel matrix, when one is configured. */
  matrix?: MatrixVerdict;
}

/**
 * Whether the series ran on the older kernels and why (a kernel-only series skips
 * them), and what each kernel did. Their failures are in `failures`, under suites
 * qualified by the kernel (onOlderKernel).
 */
export interface MatrixVerdict {
  ran: boolean;
  reason: string;
  kernels: OlderKernelResult[];
}

export interface OlderKernelResult {
  name: string;
  release?: string;
  /**
   * `infra`: this kernel could not be tested (no BTF, no boot); the others still count.
   * `not-run`: the run stopped before it (the series' own kernel did not build).
   */
  status: 'tested' | 'infra' | 'not-run';
  reason?: string;
  /** The selftests build for it, when this run built them. */
  build?: BuildResult;
  /** Its boot of the series, suites named plainly (test_progs, not test_progs@name). */
  boot?: BootResult;
}
