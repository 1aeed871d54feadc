/**
 * Follows the guest console and says which named timeout, if any, has run out. Pure (the
 * clock is passed in). Phases: boot (until BPFCI-GUEST-READY), then each suite (from its
 * BPFCI-SUITE-START; the guest kills a hung test binary itself, so the host's suite
 * deadline adds a grace period and fires only when the guest itself stopped answering),
 * and the total budget over everything.
 */

export interface Timeouts {
  bootMs: number;
  totalMs: number;
  suiteMs: (suite: string) => number;
}

export interface WatchState {
  ready: boolean;
  done: boolean;
  guestRc?: number;
  current?: string;
  ended: string[];
  /** A kernel panic was printed: the guest will not finish. */
  panicked: boolean;
}

export interface ConsoleWatch {
  state: WatchState;
  line(text: string, now: number): void;
  /** The name of the timeout that has run out at `now`, e.g. "boot (120 s)". */
  expired(now: number): string | undefined;
}

const GRACE_MS = 60_000;

export function watchConsole(timeouts: Timeouts, start: number): ConsoleWatch {
  const state: WatchState = { ready: false, done: false, ended: [], panicked: false };
  let suiteStart = 0;
  return {
    state,
    line(raw, now) {
      // Serial lines end in \r\n, and `.` does not match \r.
      const text = raw.replace(/\r+$/, '');
      if (text.includes('Kernel panic - not syncing')) state.panicked = true;
      const m = /BPFCI-(GUEST-READY|GUEST-DONE|SUITE-START|SUITE-END)(.*)$/.exec(text);
      if (!m) return;
      const name = /^ ([A-Za-z0-9_-]+)/.exec(m[2] ?? '')?.[1];
      const rc = /\brc=(\d+)/.exec(m[2] ?? '')?.[1];
      if (m[1] === 'GUEST-READY') state.ready = true;
      if (m[1] === 'GUEST-DONE') {
        state.done = true;
        if (rc !== undefined) state.guestRc = Number(rc);
      }
      if (m[1] === 'SUITE-START' && name) {
        state.current = name;
        suiteStart = now;
      }
      if (m[1] === 'SUITE-END' && name) {
        state.ended.push(name);
        state.current = undefined;
      }
    },
    expired(now) {
      if (now - start > timeouts.totalMs) return `total (${secs(timeouts.totalMs)})`;
      if (!state.ready && now - start > timeouts.bootMs) return `boot (${secs(timeouts.bootMs)})`;
      if (state.current) {
        const limit = timeouts.suiteMs(state.current) + GRACE_MS;
        if (now - suiteStart > limit) return `suite ${state.current} (${secs(limit)})`;
      }
      return undefined;
    },
  };
}

function secs(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}
