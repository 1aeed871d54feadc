import type { JudgedFailure } from '../../verdict/failures.js';
import { testKey } from '../../verdict/observations.js';
import type { Verdict } from '../../verdict/verdict.js';

export type VersionDiff = NonNullable<Verdict['versionDiff']>;

/**
 * What this revision changed against the tested previous revision of the same
 * work, in the author's terms: which of vN-1's new failures vN no longer has
 * (fixed) and which new failures vN brought (broken). Flaky and pre-existing
 * failures are not the author's and are left out of both lists.
 */
export function versionDiff(
  current: JudgedFailure[],
  previous: JudgedFailure[],
  previousSeriesId: number,
): VersionDiff {
  const authored = (fs: JudgedFailure[]) =>
    new Set(fs.filter((f) => f.class === 'new').map(testKey));
  const now = authored(current);
  const before = authored(previous);
  return {
    fixed: [...before].filter((k) => !now.has(k)).sort(),
    broken: [...now].filter((k) => !before.has(k)).sort(),
    previousSeriesId,
  };
}
