import { type VeristatRow, veristatName } from '../suites/parse-veristat.js';

export interface VeristatGrowth {
  name: string;
  metric: 'insns' | 'states';
  base: number;
  series: number;
  percent: number;
}

export interface VeristatComparison {
  /** Series rows of programs the base verified and the series does not. */
  newFailures: VeristatRow[];
  growth: VeristatGrowth[];
  /** Only in the series: nothing to regress from, so never a failure. */
  added: string[];
  removed: string[];
}

export interface VeristatCompareOptions {
  growthPercent: number;
  /** Programs smaller than this on the base are not judged for growth (default 100). */
  minInsns?: number;
}

const DEFAULT_MIN_INSNS = 100;
const METRICS = ['insns', 'states'] as const;

export function compareVeristat(
  base: VeristatRow[],
  series: VeristatRow[],
  opts: VeristatCompareOptions,
): VeristatComparison {
  const before = byName(base);
  const after = byName(series);
  const out: VeristatComparison = { newFailures: [], growth: [], added: [], removed: [] };
  for (const [name, row] of after) {
    const was = before.get(name);
    if (!was) out.added.push(name);
    else if (was.verdict === 'success' && row.verdict === 'failure') out.newFailures.push(row);
    else if (was.verdict === 'success' && row.verdict === 'success') {
      out.growth.push(...growthOf(name, was, row, opts));
    }
  }
  out.removed = [...before.keys()].filter((name) => !after.has(name));
  return out;
}

/**
 * Only between two successes: a failed load stops counting where it failed, so its
 * numbers say nothing about the cost of verifying the program. The size floor is the
 * program's base insns for both metrics, because +3 on a tiny program is a large percent
 * of nothing.
 */
function growthOf(
  name: string,
  was: VeristatRow,
  row: VeristatRow,
  opts: VeristatCompareOptions,
): VeristatGrowth[] {
  if ((was.insns ?? 0) < (opts.minInsns ?? DEFAULT_MIN_INSNS)) return [];
  const growth: VeristatGrowth[] = [];
  for (const metric of METRICS) {
    const base = was[metric];
    const series = row[metric];
    if (base === undefined || series === undefined || base <= 0) continue;
    const percent = ((series - base) / base) * 100;
    if (percent > opts.growthPercent) growth.push({ name, metric, base, series, percent });
  }
  return growth;
}

/**
 * A name repeats only when two objects share a basename; veristat sorts its rows with an
 * unstable qsort, so the copies cannot be paired across runs and the first one stands.
 */
function byName(rows: VeristatRow[]): Map<string, VeristatRow> {
  const named = new Map<string, VeristatRow>();
  for (const row of rows) {
    const name = veristatName(row);
    if (!named.has(name)) named.set(name, row);
  }
  return named;
}
