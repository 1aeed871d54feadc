import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Suite } from '../../../src/config/sections/pipeline.js';
import { guestCommand } from '../../../src/pipeline/suites/guest-command.js';
import { suiteResult } from '../../../src/pipeline/suites/result.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/selftests/${name}`, import.meta.url), 'utf8');
const progs = Suite.parse({ name: 'test_progs', kind: 'test_progs' });
const run = (output: string, exitCode: number | null, extra = {}) =>
  suiteResult({ suite: progs, output, exitCode, timedOut: false, durationMs: 5, ...extra });

describe('suiteResult', () => {
  it.each([
    ['subset pass, exit 0', 'test_progs-6.1-subset-pass.txt', 0, 'ok', undefined],
    ['14 failed, exit 1', 'test_progs-6.1-full-14-failed.txt', 1, 'failed', undefined],
    [
      'kernel too small, exit 3',
      'test_progs-6.1-tinyconfig-setup-failure.txt',
      3,
      'infra',
      'test_progs setup failed (exit 3): open(/proc/self/ns/net): No such file or directory',
    ],
    [
      'stale bpf_testmod.ko',
      'test_progs-6.1-stale-bpf_testmod.txt',
      1,
      'infra',
      'bpf_testmod.ko did not load (Failed to load bpf_testmod.ko into the kernel: -22): tests relying on it skip or fail',
    ],
  ])('%s → %s', (_n, file, code, outcome, infraReason) => {
    const r = run(fixture(file), code);
    expect(r.outcome).toBe(outcome);
    expect(r.infraReason).toBe(infraReason);
  });

  it('calls exit 2 (no test ran) infrastructure, not a pass', () => {
    expect(run('', 2)).toMatchObject({
      outcome: 'infra',
      infraReason: 'test_progs ran no test (exit 2)',
    });
  });

  it('fails a suite that never finished or timed out, keeping its results so far', () => {
    const partial = fixture('test_progs-6.1-subset-pass.txt').split('Summary')[0] ?? '';
    expect(run(partial, null)).toMatchObject({ outcome: 'failed', reason: 'suite did not finish' });
    expect(run(partial, 124, { timedOut: true })).toMatchObject({
      outcome: 'failed',
      timedOut: true,
    });
    expect(run(partial, null).tests.length).toBe(72);
  });

  it('restricts results to `only`, keeping the subtests of a named test', () => {
    const r = run(fixture('test_progs-6.1-subset-pass.txt'), 0, { only: ['atomics', 'ringbuf'] });
    expect(r.tests.map((t) => t.name)).toEqual([
      'atomics/add',
      'atomics/sub',
      'atomics/and',
      'atomics/or',
      'atomics/xor',
      'atomics/cmpxchg',
      'atomics/xchg',
      'atomics',
      'ringbuf',
    ]);
  });

  it('reads a command suite by its parser, or by its exit code', () => {
    const cmd = Suite.parse({
      name: 'verifier-standin',
      kind: 'command',
      argv: ['cat', 'x'],
      parser: 'test_verifier',
    });
    const r = suiteResult({
      suite: cmd,
      output: fixture('test_verifier-6.1-full.txt'),
      exitCode: 0,
      timedOut: false,
      durationMs: 1,
    });
    expect(r).toMatchObject({ outcome: 'ok', kind: 'command' });
    expect(r.tests).toHaveLength(2012);
    const plain = Suite.parse({ name: 'uname', kind: 'command', argv: ['uname'] });
    expect(
      suiteResult({ suite: plain, output: 'boom\n', exitCode: 1, timedOut: false, durationMs: 1 }),
    ).toMatchObject({
      outcome: 'failed',
      tests: [{ name: 'uname', status: 'fail', excerpt: 'boom' }],
    });
  });
});

describe('guestCommand', () => {
  const base = {
    selftestsDir: '/src/tools/testing/selftests/bpf',
    shareDir: '/tmp/out',
    cpus: 2,
    timeoutSeconds: 1800,
    deny: ['get_stack_raw_tp', 'sockmap_basic/sockmap udp multi channels'],
    allow: [],
  };

  it('builds 6.1 test_progs: comma lists, -j, no -J or -w', () => {
    const c = guestCommand(progs, {
      ...base,
      features: { json: false, watchdog: false, listFiles: false, serial: [] },
    });
    expect(c.argv).toEqual([
      './test_progs',
      '-d',
      'get_stack_raw_tp,sockmap_basic/sockmap udp multi channels',
      '-j2',
    ]);
    expect(c.cwd).toBe(base.selftestsDir);
  });

  it('builds newer test_progs: @files in the share, -w, -J; `only` replaces the allow list', () => {
    const c = guestCommand(progs, {
      ...base,
      cpus: 1,
      only: ['bpf_cookie/perf_event'],
      features: { json: true, watchdog: true, listFiles: true, serial: [] },
    });
    expect(c.argv).toEqual([
      './test_progs',
      '-a@/tmp/out/test_progs.allow',
      '-d@/tmp/out/test_progs.deny',
      '-w',
      '600',
      '-J',
      '/tmp/out/test_progs.json',
    ]);
    expect(c.files['test_progs.allow']).toBe('bpf_cookie/perf_event\n');
    expect(c.jsonFile).toBe('test_progs.json');
  });

  it('rejects a command suite without argv at config time', () => {
    expect(Suite.safeParse({ name: 'x', kind: 'command' }).success).toBe(false);
  });
});
