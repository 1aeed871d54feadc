import type { VeristatGrowth } from '../../verdict/failures.js';
import { type TestObservation, testKey } from '../../verdict/observations.js';

export interface GrowthOptions {
  /** The veristat suite whose programs are compared. */
  suite: string;
  growthPercent: number;
  /** Programs smaller than this on the base are not judged for growth (default 100). */
  minInsns?: number;
}

const DEFAULT_MIN_INSNS = 100;
const METRICS = ['insns', 'states'] as const;

/**
 * The programs of one veristat suite that verify on both sides but cost the verifier
 * more than `growthPercent` more with the series: a warning, never a failure (a bigger
 * program can be the point of a series). Failures and added programs are the judge's.
 */
export function veristatGrowth(
  series: TestObservation[],
  base: TestObservation[],
  opts: GrowthOptions,
): VeristatGrowth[] {
  const before = new Map(base.filter((t) => t.suite === opts.suite).map((t) => [testKey(t), t]));
  const growth: VeristatGrowth[] = [];
  for (const now of series) {
    const was = before.get(testKey(now));
    if (now.suite !== opts.suite || was?.status !== 'pass' || now.status !== 'pass') continue;
    growth.push(...growthOf(was, now, opts));
  }
  return growth;
}

/**
 * Only between two successes: a failed load stops counting where it failed, so its
 * numbers say nothing about the cost of verifying the program. The size floor is the
 * program's base insns for both metrics, because +3 on a tiny program is a large percent
 * of nothing.
 */
function growthOf(
  was: TestObservation,
  now: TestObservation,
  opts: GrowthOptions,
): VeristatGrowth[] {
  if ((was.metrics?.insns ?? 0) < (opts.minInsns ?? DEFAULT_MIN_INSNS)) return [];
  const out: VeristatGrowth[] = [];
  for (const metric of METRICS) {
    const base = was.metrics?.[metric];
    const series = now.metrics?.[metric];
    if (base === undefined || series === undefined || base <= 0) continue;
    const percent = Math.round(((series - base) / base) * 1000) / 10;
    if (percent > opts.growthPercent) {
      out.push({ suite: opts.suite, name: now.name, metric, base, series, percent });
    }
  }
  return out;
}
