/**
 * The judge's decision on each failure. Only `new` failures are the author's; the
 * reports, the run page and the store all speak in these classes, so they are defined
 * once, here.
 */

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
