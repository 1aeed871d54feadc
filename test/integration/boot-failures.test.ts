import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Suite } from '../../src/config/sections/pipeline.js';
import { bootAndTest } from '../../src/pipeline/boot/boot-and-test.js';
import { debianKernel, processesFor, vmContext } from '../helpers/vm.js';

const command = (name: string, argv: string[], extra: Record<string, unknown> = {}) =>
  Suite.parse({ name, kind: 'command', argv, ...extra });

async function boot(vm: Record<string, unknown>, suites: ReturnType<typeof command>[]) {
  const artifactsDir = mkdtempSync(join(tmpdir(), 'bpfci-boot-'));
  const result = await bootAndTest(vmContext(vm), {
    kernelImage: debianKernel(),
    suites,
    lists: [],
    artifactsDir,
  });
  return { result, artifactsDir };
}

describe('guests that go wrong, on the Debian kernel', () => {
  it('a panic is a crash verdict with a fingerprint, whatever QEMU exits with', async () => {
    const { result } = await boot({}, [
      command('before', ['true']),
      command('panic', ['sh', '-c', 'echo c > /proc/sysrq-trigger']),
      command('after', ['true']),
    ]);
    expect(result.status).toBe('crash');
    expect(result.completed).toBe(false);
    expect(result.crashes[0]).toMatchObject({
      kind: 'panic',
      fingerprint: 'panic: sysrq triggered crash in sysrq_handle_crash',
    });
    expect(result.reason).toBe('panic: sysrq triggered crash in sysrq_handle_crash');
    // What ran before the panic is kept; what never ran says so.
    expect(result.suites.map((s) => [s.suite, s.outcome, s.exitCode])).toEqual([
      ['before', 'ok', 0],
      ['panic', 'failed', null],
      ['after', 'failed', null],
    ]);
  });

  it('a hang past the total timeout kills the VM and gives a timeout verdict', async () => {
    const { result, artifactsDir } = await boot({ totalTimeoutSeconds: 20 }, [
      command('hang', ['sleep', '600'], { timeoutSeconds: 900 }),
    ]);
    expect(result.status).toBe('timeout');
    expect(result.reason).toBe('total (20 s) timeout ran out; VM killed');
    expect(result.suites[0]).toMatchObject({ outcome: 'failed', reason: 'suite did not finish' });
    expect(processesFor('qemu-system', artifactsDir)).toEqual([]);
  });

  it('the OOM killer is detected', async () => {
    const { result } = await boot({ memoryMb: 384 }, [command('hog', ['tail', '/dev/zero'])]);
    expect(result.status).toBe('crash');
    expect(result.completed).toBe(true);
    expect(result.crashes.map((c) => c.kind)).toContain('oom');
    expect(result.crashes.find((c) => c.kind === 'oom')?.fingerprint).toBe('OOM killed tail');
    expect(result.suites[0]?.outcome).toBe('failed');
  });

  it('a kernel WARNING fails a run whose tests all pass; a hung suite is killed in the guest', async () => {
    // The real WARNING block captured from a 6.1 run, replayed into this kernel's log
    // through /dev/kmsg: the Debian kernel has no LKDTM to raise one for real.
    const warning = new URL('../fixtures/console/warning-lock_acquire.txt', import.meta.url)
      .pathname;
    const { result } = await boot({}, [
      command('sleepy', ['sleep', '600'], { timeoutSeconds: 5 }),
      command('splat', [
        'sh',
        '-c',
        'while IFS= read -r l; do echo "$l" > /dev/kmsg; done < "$0"',
        warning,
      ]),
      command('fine', ['true']),
    ]);
    expect(result.suites.map((s) => [s.suite, s.outcome])).toEqual([
      ['sleepy', 'failed'],
      ['splat', 'ok'],
      ['fine', 'ok'],
    ]);
    expect(result.suites[0]?.timedOut).toBe(true);
    expect(result.completed).toBe(true);
    expect(result.status).toBe('crash');
    expect(result.crashes.map((c) => c.fingerprint)).toEqual([
      'WARNING at include/trace/events/lock.h in lock_acquire',
    ]);
    expect(result.reason).toBe(
      'kernel warning: WARNING at include/trace/events/lock.h in lock_acquire',
    );
  });
});
