/**
 * When to retry a job after its `attempts`-th infrastructure failure: exponential
 * from `baseSeconds`, capped, with ±20 % jitter so that jobs failing together (a
 * mirror down) do not come back together. `random` is injectable for tests.
 */
export function retryDelayMs(
  attempts: number,
  policy: { baseSeconds: number; maxSeconds: number },
  random: () => number = Math.random,
): number {
  const exp = policy.baseSeconds * 2 ** Math.max(0, attempts - 1);
  const capped = Math.min(exp, policy.maxSeconds);
  const jitter = 0.8 + 0.4 * random();
  return Math.round(capped * jitter * 1000);
}
