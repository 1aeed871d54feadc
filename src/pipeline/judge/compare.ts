import { failuresOf, type TestObservation, testKey } from '../../verdict/observations.js';

export interface Comparison {
  /** Fails with the series, did not fail on the base (passed, or did not exist there). */
  new: TestObservation[];
  /** Fails with the series and on the base. */
  preExisting: TestObservation[];
  /** Failed on the base, passes with the series. */
  fixed: TestObservation[];
}

/**
 * Compares a series run with its baseline by test NAME. A test the base skipped
 * or never had counts as not failing there, so a failure in it is new; a base
 * failure is "fixed" only when the series run explicitly passed it (a skip or a
 * test the series did not run proves nothing).
 */
export function compareWithBaseline(
  series: TestObservation[],
  base: TestObservation[],
): Comparison {
  const baseFails = failuresOf(base);
  const seriesFails = failuresOf(series);
  const out: Comparison = { new: [], preExisting: [], fixed: [] };
  for (const [key, t] of seriesFails) {
    (baseFails.has(key) ? out.preExisting : out.new).push(t);
  }
  const seriesPasses = new Set(series.filter((t) => t.status === 'pass').map(testKey));
  for (const [key, t] of baseFails) {
    if (!seriesFails.has(key) && seriesPasses.has(key)) out.fixed.push(t);
  }
  return out;
}
