import type { Stability } from '../../db/stability.js';
import type { TestStatus } from '../../verdict/tests.js';

export interface RerunJudgement {
  class: 'new' | 'flaky';
  reason: string;
}

/**
 * Decides a failure that is new against the baseline from its reruns: it must
 * fail every time it ran again on the series kernel AND pass once more on the
 * base. A pass on the series kernel means it is flaky; a failure on the base
 * rerun means the baseline's pass was luck, so it is flaky on the base too.
 * Reruns that did not produce a result for the test (skip, absent) prove nothing.
 */
export function judgeReruns(
  series: (TestStatus | undefined)[],
  base: TestStatus | undefined,
): RerunJudgement {
  const ran = series.filter((s): s is TestStatus => s === 'pass' || s === 'fail');
  const passes = ran.filter((s) => s === 'pass').length;
  if (passes > 0) {
    const runs = ran.length + 1;
    return {
      class: 'flaky',
      reason: `failed ${runs - passes} of ${runs} runs on the series kernel`,
    };
  }
  if (base === 'fail') {
    return { class: 'flaky', reason: 'passed in the baseline but failed when rerun on the base' };
  }
  const confirmed = base === 'pass' ? ', passed again on the base' : '';
  return {
    class: 'new',
    reason: `failed all ${ran.length + 1} runs on the series kernel${confirmed}`,
  };
}

/** The "seen flaky often enough" rule: from then on its failures are never blamed. */
export function isKnownFlaky(stability: Stability | undefined, threshold: number): boolean {
  return (stability?.flakyCount ?? 0) >= threshold;
}
