import { describe, expect, it } from 'vitest';
import { bisectBuild } from '../../../src/pipeline/build/bisect.js';
import type { BuildResult } from '../../../src/verdict/stages.js';

function fakeSeries(n: number, firstBad: number) {
  let at = n;
  const visited: number[] = [];
  return {
    visited,
    builds: () => visited.length,
    opts: {
      count: n,
      checkoutPatch: async (k: number) => {
        at = k;
        visited.push(k);
      },
      build: async (): Promise<BuildResult> => ({
        status: at >= firstBad ? 'fail' : 'pass',
        target: 'kernel',
        durationMs: 0,
        warnings: 0,
        newWarnings: [],
        compiled: 0,
      }),
    },
  };
}

describe('bisectBuild', () => {
  it('finds the first breaking patch within ceil(log2 N) builds for every position', async () => {
    for (const n of [1, 2, 3, 5, 8, 13]) {
      for (let bad = 1; bad <= n; bad++) {
        const s = fakeSeries(n, bad);
        const r = await bisectBuild(s.opts);
        expect(r.guiltyPatch).toBe(bad);
        expect(r.steps.length).toBeLessThanOrEqual(Math.ceil(Math.log2(n)));
        expect(s.visited.at(-1)).toBe(n);
      }
    }
  });

  it('checks the base first when it is not known to build, and blames nobody if it fails', async () => {
    const s = fakeSeries(4, 0);
    const r = await bisectBuild({ ...s.opts, baseKnownGood: false });
    expect(r.guiltyPatch).toBeUndefined();
    expect(r.steps).toEqual([{ applied: 0, status: 'fail' }]);
  });

  it('rejects an empty series', async () => {
    await expect(bisectBuild(fakeSeries(0, 1).opts)).rejects.toThrow(/at least one patch/);
  });
});
