/**
 * Global concurrency limits on builds and VMs, shared by every job of this daemon.
 * One job per lane is the queue's rule; these caps sit across lanes (two lanes may
 * apply at once while only one of them builds).
 */
export type SlotKind = 'build' | 'vm';

export interface Slots {
  with<T>(kind: SlotKind, fn: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  inUse(kind: SlotKind): number;
  setLimits(limits: Record<SlotKind, number>): void;
}

export function createSlots(limits: Record<SlotKind, number>): Slots {
  let max = { ...limits };
  const used: Record<SlotKind, number> = { build: 0, vm: 0 };
  const waiters: Record<SlotKind, (() => void)[]> = { build: [], vm: [] };

  function wakeNext(kind: SlotKind): void {
    while (used[kind] < max[kind] && waiters[kind].length > 0) waiters[kind].shift()?.();
  }

  function acquire(kind: SlotKind, signal?: AbortSignal): Promise<void> {
    if (used[kind] < max[kind] && waiters[kind].length === 0) {
      used[kind]++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort);
        used[kind]++;
        resolve();
      };
      const onAbort = (): void => {
        waiters[kind] = waiters[kind].filter((w) => w !== grant);
        reject(signal?.reason ?? new Error('aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      waiters[kind].push(grant);
    });
  }

  return {
    async with<T>(kind: SlotKind, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      await acquire(kind, signal);
      try {
        return await fn();
      } finally {
        used[kind]--;
        wakeNext(kind);
      }
    },
    inUse: (kind) => used[kind],
    setLimits(limits): void {
      max = { ...limits };
      wakeNext('build');
      wakeNext('vm');
    },
  };
}
