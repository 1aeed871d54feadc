/**
 * A wait that ends after `ms`, or earlier when woken (new work, a job ended) or
 * stopped. Every daemon loop awaits one of these on every path, so no loop can spin.
 */
export interface Waker {
  sleep(ms: number): Promise<void>;
  wake(): void;
}

export function createWaker(): Waker {
  let pending: (() => void)[] = [];
  return {
    sleep(ms: number): Promise<void> {
      return new Promise((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          pending = pending.filter((p) => p !== done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        pending.push(done);
      });
    },
    wake(): void {
      for (const p of [...pending]) p();
    },
  };
}

/** A plain wait that does not keep the process alive on its own. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
