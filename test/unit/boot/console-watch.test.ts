import { describe, expect, it } from 'vitest';
import { watchConsole } from '../../../src/pipeline/boot/console-watch.js';
import type { VmOutcome } from '../../../src/pipeline/boot/run-vm.js';
import { bootStatus } from '../../../src/pipeline/boot/verdict.js';
import type { Crash } from '../../../src/verdict/stages.js';

const timeouts = {
  bootMs: 10_000,
  totalMs: 100_000,
  suiteMs: (s: string) => (s === 'slow' ? 50_000 : 5_000),
};

describe('watchConsole', () => {
  it('follows the markers (with serial \\r) and names the timeout that ran out', () => {
    const w = watchConsole(timeouts, 0);
    expect(w.expired(9_000)).toBeUndefined();
    expect(w.expired(10_001)).toBe('boot (10 s)');
    w.line('BPFCI-GUEST-READY uptime=4.2\r', 8_000);
    expect(w.expired(10_001)).toBeUndefined();
    w.line('BPFCI-SUITE-START fast uptime=5\r', 20_000);
    expect(w.state.current).toBe('fast');
    // the guest kills the suite itself; the host waits a grace minute more
    expect(w.expired(84_999)).toBeUndefined();
    expect(w.expired(85_001)).toBe('suite fast (65 s)');
    w.line('BPFCI-SUITE-END fast rc=124 uptime=9\r', 30_000);
    expect(w.expired(85_001)).toBeUndefined();
    expect(w.expired(100_001)).toBe('total (100 s)');
    w.line('[  9.1] Kernel panic - not syncing: sysrq triggered crash', 31_000);
    w.line('BPFCI-GUEST-DONE rc=0 uptime=10\r', 32_000);
    expect(w.state).toMatchObject({
      ready: true,
      done: true,
      guestRc: 0,
      ended: ['fast'],
      panicked: true,
    });
  });
});

const vm = (over: Partial<VmOutcome> = {}): VmOutcome => ({
  state: { ready: true, done: true, ended: [], panicked: false },
  cancelled: false,
  exitCode: 0,
  stderrTail: '',
  durationMs: 1,
  ...over,
});
const banner = 'Linux version 6.1.0';
const warning: Crash = { kind: 'warning', fingerprint: 'WARNING at x in y', excerpt: '' };
const panic: Crash = { kind: 'panic', fingerprint: 'panic: boom in f', excerpt: '' };
const notReady = { ready: false, done: false, ended: [], panicked: false };

describe('bootStatus (never QEMU exit code)', () => {
  it.each([
    ['clean run', vm(), [], banner, 'ok'],
    [
      'QEMU exit 0 after a panic',
      vm({ state: { ...notReady, ready: true } }),
      [panic],
      banner,
      'crash',
    ],
    ['WARNING while all passed', vm(), [warning], banner, 'crash'],
    [
      'hang after ready',
      vm({ expired: 'total (45 s)', state: { ...notReady, ready: true } }),
      [],
      banner,
      'timeout',
    ],
    ['panic during boot', vm({ state: notReady }), [panic], banner, 'no-boot'],
    [
      'never ready, killed',
      vm({ state: notReady, expired: 'boot (120 s)' }),
      [],
      banner,
      'no-boot',
    ],
    [
      'QEMU could not start',
      vm({ state: notReady, exitCode: 1, stderrTail: 'qemu: could not load kernel' }),
      [],
      '',
      'infra',
    ],
    ['guest died silently', vm({ state: { ...notReady, ready: true } }), [], banner, 'crash'],
  ] as const)('%s → %s', (_n, outcome, crashes, text, status) => {
    expect(bootStatus(outcome, [...crashes], text).status).toBe(status);
  });
});
