import { readPatchMbox } from '../../series/patch-mbox.js';
import { bareSubject } from '../../series/store.js';
import type { StoredSeries } from '../../series/types.js';
import type { SeriesForApply } from './series-input.js';

/**
 * A stored series as the apply stage's input: each patch rebuilt as a clean 8-bit
 * mail (decoded bodies, review trailers added, as `b4 am` does), one per patch so a
 * failure names its patch.
 */
export function seriesForApply(s: StoredSeries): SeriesForApply {
  return {
    treeTag: s.treeTag,
    baseCommit: s.baseCommit,
    delegate: s.patchworkDelegate,
    expected: s.total,
    patches: s.patches
      .filter((p) => p.index >= 1)
      .map((p) => ({
        index: p.index,
        subject: bareSubject(p.subject),
        mbox: readPatchMbox({ ...s, patches: [p] }, p.index),
      })),
  };
}
