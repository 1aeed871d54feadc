import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectCrashes } from '../../../src/pipeline/boot/crash.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/console/${name}`, import.meta.url), 'utf8');

describe('detectCrashes on real consoles', () => {
  it('finds the sysrq panic and names its top frame', () => {
    const crashes = detectCrashes(fixture('console-sysrq-crash-panic.txt'));
    expect(crashes.map((c) => c.fingerprint)).toEqual([
      'panic: sysrq triggered crash in sysrq_handle_crash',
    ]);
    expect(crashes[0]?.kind).toBe('panic');
    expect(crashes[0]?.excerpt).toContain('write_sysrq_trigger');
    expect(crashes[0]?.excerpt.split('\n').at(-1)).toMatch(/Kernel Offset|<\/TASK>/);
  });

  it('finds the WARNING of the full run, once per fingerprint, without timestamps', () => {
    const crashes = detectCrashes(fixture('console-full-test_progs-run.txt'));
    expect(crashes.map((c) => c.fingerprint)).toEqual([
      'WARNING at include/trace/events/lock.h in lock_acquire',
      'WARNING: suspicious RCU usage in kprobe_multi_link_handler',
      'WARNING at include/trace/events/lock.h in lock_release',
    ]);
    expect(crashes.every((c) => c.kind === 'warning')).toBe(true);
    expect(crashes[0]?.excerpt).not.toMatch(/^\[/m);
  });

  it('gives the console and the dmesg of one run the same fingerprints', () => {
    const dmesg = readFileSync(
      new URL('../../fixtures/selftests/dmesg-full-test_progs-run.txt', import.meta.url),
      'utf8',
    );
    const a = detectCrashes(fixture('console-full-test_progs-run.txt')).map((c) => c.fingerprint);
    expect(detectCrashes(dmesg).map((c) => c.fingerprint)).toEqual(a);
  });

  it.each([
    'console-boot-ok-minimal-config.txt',
    'console-boot-ok-selftests-config.txt',
    'console-hang-until-timeout.txt',
    // test_progs' own "WARNING! Selftests relying on bpf_testmod.ko" is not a kernel splat
    'console-tinyconfig-testmod-load-failure.txt',
  ])('finds nothing in %s', (name) => {
    expect(detectCrashes(fixture(name))).toEqual([]);
  });
});

const splat = (...lines: string[]): string =>
  lines.map((l, i) => `[  12.${String(i).padStart(6, '0')}] ${l}`).join('\n');

describe('detectCrashes, one case per kind', () => {
  it.each([
    [
      'oops',
      splat(
        'BUG: kernel NULL pointer dereference, address: 0000000000000008',
        '#PF: supervisor read access in kernel mode',
        'Oops: 0000 [#1] PREEMPT SMP NOPTI',
        'RIP: 0010:bpf_prog_run_foo+0x12/0x40',
        'Call Trace:',
        ' <TASK>',
        ' bpf_test_run+0x10/0x20',
        ' </TASK>',
      ),
      ['bug', 'BUG: kernel NULL pointer dereference, address: ADDR in bpf_prog_run_foo'],
    ],
    [
      'kernel BUG at',
      splat('kernel BUG at kernel/bpf/verifier.c:1234!', 'RIP: 0010:check_mem_access+0x5/0x9'),
      ['bug', 'kernel BUG at kernel/bpf/verifier.c in check_mem_access'],
    ],
    [
      'KASAN',
      splat(
        '==================================================================',
        'BUG: KASAN: slab-out-of-bounds in bpf_map_lookup+0x1/0x2',
        'Read of size 8 at addr ffff888012345678 by task test_progs/123',
        'Call Trace:',
        ' <TASK>',
        ' dump_stack_lvl+0x1/0x2',
        ' print_report+0x1/0x2',
        ' kasan_report+0x1/0x2',
        ' ? htab_map_lookup_elem+0x1/0x2',
        ' bpf_map_lookup+0x1/0x2',
        ' </TASK>',
      ),
      ['kasan', 'KASAN: slab-out-of-bounds in bpf_map_lookup'],
    ],
    [
      'UBSAN',
      splat(
        'UBSAN: shift-out-of-bounds in kernel/bpf/core.c:1650:2',
        'Call Trace:',
        ' <TASK>',
        ' dump_stack_lvl+0x1/0x2',
        ' ubsan_epilogue+0x1/0x2',
        ' __ubsan_handle_shift_out_of_bounds.cold+0x1/0x2',
        ' ___bpf_prog_run.cold+0x1/0x2',
        ' </TASK>',
      ),
      ['ubsan', 'UBSAN: shift-out-of-bounds in ___bpf_prog_run'],
    ],
    [
      'soft lockup',
      splat(
        'watchdog: BUG: soft lockup - CPU#1 stuck for 26s! [test_progs:321]',
        'RIP: 0010:htab_lock_bucket+0x3/0x4',
      ),
      ['soft-lockup', 'soft lockup in htab_lock_bucket'],
    ],
    [
      'hard lockup',
      splat('NMI watchdog: Watchdog detected hard LOCKUP on cpu 0', 'RIP: 0010:spin+0x1/0x2'),
      ['hard-lockup', 'hard lockup in spin'],
    ],
    [
      'RCU stall',
      splat(
        'rcu: INFO: rcu_preempt self-detected stall on CPU',
        'rcu: \t1-....: (2099 ticks this GP) idle=a4c/1/0x4000000000000000',
        'RIP: 0010:bpf_loop+0x1/0x2',
      ),
      ['rcu-stall', 'RCU stall in bpf_loop'],
    ],
    [
      'hung task',
      splat(
        'INFO: task kworker/0:1:17 blocked for more than 122 seconds.',
        'Call Trace:',
        ' <TASK>',
        ' __schedule+0x1/0x2',
        ' </TASK>',
      ),
      ['hung-task', 'hung task kworker/0:1 in __schedule'],
    ],
    [
      'OOM',
      splat(
        'hog invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0',
        'Out of memory: Killed process 97 (hog) total-vm:1234kB, anon-rss:99kB',
      ),
      ['oom', 'OOM killed hog'],
    ],
  ])('%s', (_name, text, [kind, fingerprint]) => {
    const crashes = detectCrashes(text);
    expect(crashes[0]).toMatchObject({ kind, fingerprint });
  });

  it('keeps fingerprints free of run-specific numbers', () => {
    const a = detectCrashes(
      splat('Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000009'),
    );
    const b = detectCrashes(
      splat('Kernel panic - not syncing: Attempted to kill init! exitcode=0x0000000b'),
    );
    expect(a[0]?.fingerprint).toBe(b[0]?.fingerprint);
  });
});

describe('detectCrashes allowlist', () => {
  it('ignores the Spectre notice printed when unprivileged BPF is enabled (BPF CI SPLAT_ALLOWLIST)', () => {
    const text =
      '[    9.1] WARNING: Unprivileged eBPF is enabled, data leaks possible via Spectre v2 BHB attacks!';
    expect(detectCrashes(text)).toEqual([]);
  });
});
