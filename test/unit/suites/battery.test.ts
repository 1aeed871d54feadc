import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ScopedEntry } from '../../../src/blacklist/load.js';
import { listsForSuite } from '../../../src/blacklist/suite-lists.js';
import { loadConfig } from '../../../src/config/load.js';
import { Config, defaultSuites } from '../../../src/config/schema.js';
import { Suite } from '../../../src/config/sections/pipeline.js';
import { blameMissingTools } from '../../../src/pipeline/boot/guest-tools.js';
import { jobScript } from '../../../src/pipeline/boot/job-script.js';
import { guestCommand } from '../../../src/pipeline/suites/guest-command.js';
import { suiteResult } from '../../../src/pipeline/suites/result.js';
import { hungTest, serialTestsIn } from '../../../src/pipeline/suites/test-progs-hang.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/selftests/${name}`, import.meta.url), 'utf8');
const lines = (text: string): string[] => text.split('\n').filter(Boolean);

const progs = Suite.parse({ name: 'test_progs', kind: 'test_progs' });
const verifier = Suite.parse({ name: 'test_verifier', kind: 'test_verifier' });
const maps = Suite.parse({ name: 'test_maps', kind: 'test_maps' });
const veristat = Suite.parse({ name: 'veristat', kind: 'veristat' });

function entry(pattern: string, suite?: string): ScopedEntry {
  const slash = pattern.indexOf('/');
  return {
    pattern,
    test: slash < 0 ? pattern : pattern.slice(0, slash),
    ...(slash < 0 ? {} : { subtest: pattern.slice(slash + 1) }),
    kind: 'deny',
    source: suite ? `DENYLIST.${suite}` : 'DENYLIST',
    line: 1,
    reason: 'known bad',
    ...(suite ? { suite } : {}),
  };
}

describe('the battery by default', () => {
  it('runs all four suites on the selftests profile, test_verifier alone on minimal', () => {
    expect(defaultSuites('selftests').map((s) => s.kind)).toEqual([
      'test_progs',
      'test_verifier',
      'test_maps',
      'veristat',
    ]);
    expect(defaultSuites('minimal').map((s) => s.kind)).toEqual(['test_verifier']);
  });

  it('config/production.yaml runs the battery; test_progs on minimal is a config error', () => {
    expect(loadConfig('config/production.yaml').suites.map((s) => s.name)).toEqual([
      'test_progs',
      'test_verifier',
      'test_maps',
      'veristat',
    ]);
    const bad = Config.safeParse({
      version: 1,
      build: { profile: 'minimal' },
      suites: [{ name: 'p', kind: 'test_progs' }],
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toMatch(/needs build.profile selftests/);
  });
});

describe('deny lists per suite', () => {
  const all = [
    entry('get_stack_raw_tp'),
    entry('gone_test'),
    entry('bad case [p]', 'test_verifier'),
  ];

  it('gives general lists to test_progs and suite lists to their suite only', () => {
    expect(listsForSuite(all, progs).deny.map((e) => e.pattern)).toEqual([
      'get_stack_raw_tp',
      'gone_test',
    ]);
    expect(listsForSuite(all, verifier).deny.map((e) => e.pattern)).toEqual(['bad case [p]']);
    expect(listsForSuite(all, maps).deny).toEqual([]);
  });

  it('reports what test_progs -d removed, with the reason, and warns of an entry naming no test', () => {
    const r = suiteResult({
      suite: progs,
      output: fixture('test_progs-6.1-bpfci-serial-subset.txt'),
      exitCode: 0,
      timedOut: false,
      durationMs: 1,
      lists: listsForSuite(all, progs),
      known: lines(fixture('test_progs-6.1-list-all.txt')),
    });
    expect(r.outcome).toBe('ok');
    expect(r.denied).toEqual([
      {
        name: 'get_stack_raw_tp',
        pattern: 'get_stack_raw_tp',
        source: 'DENYLIST:1',
        reason: 'known bad',
      },
    ]);
    expect(r.warnings).toEqual([
      'deny entry "gone_test" (DENYLIST:1) matches no test of this suite',
    ]);
  });

  it('filters test_verifier after the run: a denied failure is denied, not failed', () => {
    const output =
      '#0/p good OK\n#1/p bad case FAIL\nretval 1\nSummary: 1 PASSED, 0 SKIPPED, 1 FAILED\n';
    const run = { suite: verifier, output, exitCode: 1, timedOut: false, durationMs: 1 };
    expect(suiteResult(run).outcome).toBe('failed');
    const r = suiteResult({ ...run, lists: listsForSuite(all, verifier) });
    expect(r.outcome).toBe('ok');
    expect(r.tests.map((t) => t.name)).toEqual(['good [p]']);
    expect(r.denied?.map((d) => d.name)).toEqual(['bad case [p]']);
  });
});

describe('test_progs faults', () => {
  const listed = lines(fixture('test_progs-6.1-bpfci-serial-subset.txt'))
    .map((l) => /^#\d+\s+([^/:]+):/.exec(l)?.[1])
    .filter((n): n is string => !!n);

  it('names the test a serial 6.1 run hung in: the first listed without a result', () => {
    const out = fixture('test_progs-6.1-bpfci-serial-subset.txt');
    const cut = out.slice(0, out.indexOf('#80 '));
    const r = suiteResult({
      suite: progs,
      output: cut,
      exitCode: 124,
      timedOut: true,
      durationMs: 1_800_000,
      listed,
    });
    expect(r.outcome).toBe('failed');
    expect(r.timedOut).toBe(true);
    const hung = r.tests.find((t) => t.excerpt?.startsWith('no result'));
    expect(hung?.name).toBe(listed[listed.indexOf('global_data')]);
    expect(r.tests.filter((t) => t.excerpt?.startsWith('no result'))).toHaveLength(1);
  });

  it('with -j, a serial test that never started is not the hung one', () => {
    const hung = hungTest('', [{ name: 'align', status: 'pass' }], {
      listed: ['align', 'bpf_obj_id', 'map_init'],
      serial: ['bpf_obj_id'],
      parallel: true,
      why: 'timed out',
    });
    expect(hung?.name).toBe('map_init');
  });

  it('takes the watchdog name when test_progs has -w', () => {
    const hung = hungTest('WATCHDOG: test case tc_redirect executes for 600 seconds...\n', [], {
      serial: [],
      parallel: true,
      why: 'timed out',
    });
    expect(hung?.name).toBe('tc_redirect');
  });

  it('keeps the results printed before a crash; garbled JSON falls back to the text', () => {
    const out = fixture('test_progs-6.1-bpfci-j2-subset.txt');
    const half = out.slice(0, out.indexOf('#80 '));
    const r = suiteResult({
      suite: progs,
      output: half,
      exitCode: null,
      timedOut: false,
      durationMs: 1,
      json: '{"results": [ {"name": "align", "succ',
    });
    expect(r.outcome).toBe('failed');
    expect(r.reason).toBe('suite did not finish');
    expect(r.tests.find((t) => t.name === 'atomics')?.status).toBe('pass');
    expect(r.tests.some((t) => t.name === 'global_data')).toBe(false);
  });

  it('a missing guest tool makes only the tests that need it infrastructure', () => {
    const r = blameMissingTools(
      {
        suite: 'test_progs',
        kind: 'test_progs',
        outcome: 'failed',
        exitCode: 1,
        durationMs: 1,
        tests: [
          { name: 'netcnt', status: 'fail', excerpt: 'ping: not found' },
          { name: 'align', status: 'fail' },
        ],
      },
      ['ping'],
    );
    expect(r.infraTests).toEqual([{ name: 'netcnt', reason: 'guest root lacks ping' }]);
    expect(r.tests.map((t) => `${t.name}:${t.status}`)).toEqual(['netcnt:skip', 'align:fail']);
    expect(r.outcome).toBe('failed');
  });

  it('finds serial tests in a binary by their function symbols', () => {
    const bin = Buffer.from('\0serial_test_bpf_obj_id\0test_align\0serial_test_timer\0');
    expect(serialTestsIn(bin)).toEqual(['bpf_obj_id', 'timer']);
  });
});

describe('guest commands', () => {
  const ctx = {
    selftestsDir: '/run/bpfci/selftests',
    shareDir: '/tmp/out',
    cpus: 2,
    timeoutSeconds: 900,
    features: { json: false, watchdog: false, listFiles: false, serial: [] },
    deny: ['get_stack_raw_tp'],
    allow: [],
  };

  it('lists test_progs (with and without the filters) before running it, quoted in the job', () => {
    const c = guestCommand(progs, ctx);
    expect(c.pre.map((p) => [p.out, p.argv])).toEqual([
      ['test_progs.list', ['./test_progs', '-l', '-d', 'get_stack_raw_tp']],
      ['test_progs.all', ['./test_progs', '-l']],
    ]);
    const job = jobScript([
      { name: 'test_progs', argv: c.argv, cwd: c.cwd, timeoutSeconds: 900, pre: c.pre },
    ]);
    expect(job).toContain(
      `'./test_progs' '-l' '-d' 'get_stack_raw_tp' ) > "$out/"'test_progs.list'`,
    );
  });

  it('reruns test_verifier by number range, and veristat on the given objects as CSV', () => {
    expect(guestCommand(verifier, { ...ctx, verifierRange: [12, 40] }).argv).toEqual([
      './test_verifier',
      '12',
      '40',
    ]);
    expect(guestCommand(verifier, ctx).argv).toEqual(['./test_verifier']);
    expect(guestCommand(veristat, { ...ctx, objects: ['pyperf50.bpf.o'] }).argv).toEqual([
      './veristat',
      '-o',
      'csv',
      '-e',
      'file,prog,verdict,duration,total_insns,total_states,peak_states',
      'pyperf50.bpf.o',
    ]);
    expect(() => guestCommand(veristat, ctx)).toThrow(/no BPF object/);
  });

  it('reads a real veristat run: a program that fails to verify is a failing test', () => {
    const r = suiteResult({
      suite: veristat,
      output: fixture('veristat-6.1-bpfci-cfg.csv'),
      exitCode: 0,
      timedOut: false,
      durationMs: 1,
    });
    expect(r.tests.length).toBeGreaterThan(60);
    expect(r.tests.filter((t) => t.status === 'fail').map((t) => t.name)).toEqual([
      'loop3.bpf.o/while_true',
    ]);
    expect(r.outcome).toBe('failed');
  });
});

describe('denied tests outside the allow list', () => {
  it('are not reported: they would not have run anyway', () => {
    const subset = Suite.parse({ name: 'test_progs', kind: 'test_progs', allow: ['align'] });
    const r = suiteResult({
      suite: subset,
      output: '#1 align:OK\nSummary: 1/0 PASSED, 0 SKIPPED, 0 FAILED\n',
      exitCode: 0,
      timedOut: false,
      durationMs: 1,
      lists: listsForSuite([entry('get_stack_raw_tp'), entry('align')], subset),
      known: ['align', 'get_stack_raw_tp'],
    });
    expect(r.denied?.map((d) => d.name)).toEqual(['align']);
    expect(r.warnings).toBeUndefined();
  });
});
