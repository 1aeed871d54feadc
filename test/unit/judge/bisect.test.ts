import { describe, expect, it } from 'vitest';
import { bisect, maxBisectRuns } from '../../../src/pipeline/judge/bisect.js';

/** A series where test `name` starts failing once patch `from` is applied. */
function seriesWith(introduced: Record<string, number>) {
  const probes: number[] = [];
  const probe = async (k: number, tests: string[]) => {
    probes.push(k);
    return new Set(tests.filter((t) => (introduced[t] ?? Number.POSITIVE_INFINITY) <= k));
  };
  return { probe, probes };
}

describe('bisect', () => {
  it('exhaustively stays within the bound', async () => {
    for (let n = 1; n <= 17; n++) {
      for (let g = 1; g <= n; g++) {
        const { probe } = seriesWith({ t: g });
        const r = await bisect(n, ['t'], probe);
        expect([n, g, r.guilty]).toEqual([n, g, g]);
        expect(r.runs).toBeLessThanOrEqual(maxBisectRuns(n));
        expect(maxBisectRuns(n)).toBe(n === 1 ? 0 : Math.ceil(Math.log2(n)));
      }
    }
  });

  it('blames patch 2 of 3 with at most 2 probes, never probing the ends', async () => {
    const { probe, probes } = seriesWith({ t: 2 });
    const r = await bisect(3, ['t'], probe);
    expect(r.guilty).toBe(2);
    expect(r.runs).toBeLessThanOrEqual(2);
    expect(probes.every((k) => k > 0 && k < 3)).toBe(true);
  });

  it('spends nothing on a single patch', async () => {
    const { probe, probes } = seriesWith({ t: 1 });
    const r = await bisect(1, ['t'], probe);
    expect(r).toMatchObject({ guilty: 1, runs: 0 });
    expect(probes).toEqual([]);
  });

  it('reports the first guilty patch of the series and a range for a test it could not pin down', async () => {
    const { probe } = seriesWith({ early: 2, late: 7 });
    const r = await bisect(8, ['early', 'late'], probe);
    expect(r.guilty).toBe(2);
    expect(r.perTest.get('early')).toBe(2);
    const late = r.perTest.get('late') ?? r.ranges.get('late');
    expect(late === 7 || (Array.isArray(late) && late[0] <= 7 && late[1] >= 7)).toBe(true);
    expect(r.runs).toBeLessThanOrEqual(3);
  });
});
