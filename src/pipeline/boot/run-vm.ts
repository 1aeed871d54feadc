import { baseEnv, runCommand } from '../../exec/run.js';
import type { Logger } from '../../log.js';
import { type Timeouts, type WatchState, watchConsole } from './console-watch.js';
import { type QemuPlan, qemuArgv } from './qemu-args.js';

export interface VmOutcome {
  state: WatchState;
  /** The named timeout that killed the VM. */
  expired?: string;
  cancelled: boolean;
  exitCode: number | null;
  stderrTail: string;
  durationMs: number;
}

const CHECK_EVERY_MS = 250;

/**
 * Boots one guest and waits until it powers off, a named timeout runs out or the caller
 * aborts. On a timeout or an abort the whole QEMU process group is killed (runCommand),
 * so a hung guest never outlives its run or blocks the queue.
 */
export async function runVm(
  plan: QemuPlan,
  timeouts: Timeouts,
  log: Logger,
  signal?: AbortSignal,
): Promise<VmOutcome> {
  const started = Date.now();
  const watch = watchConsole(timeouts, started);
  const kill = new AbortController();
  let expired: string | undefined;
  const onAbort = (): void => kill.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) kill.abort();
  const timer = setInterval(() => {
    expired ??= watch.expired(Date.now());
    if (expired) kill.abort();
  }, CHECK_EVERY_MS);
  const argv = qemuArgv(plan);
  log.debug({ argv }, 'starting qemu');
  try {
    const result = await runCommand(argv, {
      env: baseEnv(),
      signal: kill.signal,
      onLine: (line) => watch.line(line, Date.now()),
      tailBytes: 8192,
    });
    return {
      state: watch.state,
      ...(expired ? { expired } : {}),
      cancelled: !expired && result.cancelled,
      exitCode: result.exitCode,
      stderrTail: result.stderrTail,
      durationMs: Date.now() - started,
    };
  } finally {
    clearInterval(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}
