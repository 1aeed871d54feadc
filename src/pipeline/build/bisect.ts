import type { BuildResult } from '../../verdict/stages.js';

/**
 * Finds the first patch of a series that breaks the build, by binary search
 * over "base + first k patches" with incremental builds in the lane: each step
 * only recompiles what differs from the previous one.
 *
 * Invariant: k = lo builds (the base, k = 0, unless told otherwise), k = hi does
 * not (the whole series, k = N, which the caller already built). So it costs
 * ⌈log2 N⌉ builds, plus one when the base is not known to build. Any non-pass
 * (fail, timeout, contained) counts as broken.
 *
 * It is written against callbacks so it does not depend on how lanes check
 * out a prefix of a series (a detached HEAD at the k-th applied commit).
 */
export interface BisectOptions {
  /** Number of patches in the series (N >= 1); the full series fails to build. */
  count: number;
  /** Puts the tree at base + the first k patches (0 <= k <= N). */
  checkoutPatch: (k: number) => Promise<void>;
  build: () => Promise<BuildResult>;
  /** Whether the base is known to build (the lane's base build passed). Default true. */
  baseKnownGood?: boolean;
}

export interface BisectStep {
  applied: number;
  status: BuildResult['status'];
}

export interface BisectResult {
  /** 1-based index of the first patch whose build fails; undefined when the base itself fails. */
  guiltyPatch?: number;
  /** The failing build at the guilty patch (its first error is the one to report). */
  guiltyBuild?: BuildResult;
  steps: BisectStep[];
}

export async function bisectBuild(opts: BisectOptions): Promise<BisectResult> {
  if (!Number.isInteger(opts.count) || opts.count < 1) {
    throw new RangeError(`bisectBuild needs a series of at least one patch, got ${opts.count}`);
  }
  const steps: BisectStep[] = [];
  const results = new Map<number, BuildResult>();
  const tryBuild = async (k: number): Promise<boolean> => {
    await opts.checkoutPatch(k);
    const r = await opts.build();
    steps.push({ applied: k, status: r.status });
    results.set(k, r);
    return r.status === 'pass';
  };
  try {
    if (opts.baseKnownGood === false && !(await tryBuild(0))) return { steps };
    let lo = 0;
    let hi = opts.count;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (await tryBuild(mid)) lo = mid;
      else hi = mid;
    }
    return { guiltyPatch: hi, guiltyBuild: results.get(hi), steps };
  } finally {
    // Leave the lane where the caller had it: the whole series applied.
    await opts.checkoutPatch(opts.count);
  }
}
