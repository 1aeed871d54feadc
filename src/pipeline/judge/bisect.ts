/** The failing tests (keys) among those asked for, after applying the first k patches. */
export type BisectProbe = (k: number, tests: string[]) => Promise<Set<string>>;

export interface BisectResult {
  /** First patch (1-based) whose addition makes any of the tests fail. */
  guilty: number;
  /** Per test: the exact introducing patch when the probes pin it down. */
  perTest: Map<string, number>;
  /** Per test not pinned down: the patch range it was introduced in. */
  ranges: Map<string, [number, number]>;
  /** Extra runs spent: at most ceil(log2 n). */
  runs: number;
}

/** The most probes bisect() can spend on an n-patch series. */
export function maxBisectRuns(n: number): number {
  return n <= 1 ? 0 : Math.ceil(Math.log2(n));
}

/**
 * Binary search over "base + first k patches" for the first k where any of the
 * (confirmed, non-flaky) tests fails. Known ends: k=0 (the base) passes them all
 * and k=n (the whole series) fails them all, so the search needs at most
 * ceil(log2 n) probes. Each probe runs only these tests. Each test's own
 * introducing patch is read off the same probes: exact when some probe passed
 * it at k-1 and failed it at k, otherwise a range.
 */
export async function bisect(
  n: number,
  tests: string[],
  probe: BisectProbe,
): Promise<BisectResult> {
  const failingAt = new Map<number, Set<string>>([
    [0, new Set()],
    [n, new Set(tests)],
  ]);
  let lo = 0;
  let hi = n;
  let runs = 0;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const failing = await probe(mid, tests);
    runs += 1;
    failingAt.set(mid, failing);
    if (failing.size > 0) hi = mid;
    else lo = mid;
  }
  const perTest = new Map<string, number>();
  const ranges = new Map<string, [number, number]>();
  const probed = [...failingAt.keys()].sort((a, b) => a - b);
  for (const test of tests) {
    const lastPass = Math.max(...probed.filter((k) => !failingAt.get(k)?.has(test) && k < n));
    const firstFail = Math.min(
      ...probed.filter((k) => k > lastPass && failingAt.get(k)?.has(test)),
    );
    if (firstFail === lastPass + 1) perTest.set(test, firstFail);
    else ranges.set(test, [lastPass + 1, firstFail]);
  }
  return { guilty: hi, perTest, ranges, runs };
}
