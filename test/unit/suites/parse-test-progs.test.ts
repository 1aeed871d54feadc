import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTestProgs } from '../../../src/pipeline/suites/parse-test-progs.js';
import { mergeJson, TestProgsJson } from '../../../src/pipeline/suites/parse-test-progs-json.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/selftests/${name}`, import.meta.url), 'utf8');

const count = (tests: { name: string; status: string }[], status: string, sub: boolean) =>
  tests.filter((t) => t.status === status && t.name.includes('/') === sub).length;

describe('parseTestProgs on real 6.1 output', () => {
  it('reads the passing subset: 16 tests and 56 subtests, all pass', () => {
    const p = parseTestProgs(fixture('test_progs-6.1-subset-pass.txt'));
    expect(p.summary).toEqual({ tests: 16, subtests: 56, skipped: 0, failed: 0 });
    expect(count(p.tests, 'pass', false)).toBe(16);
    expect(count(p.tests, 'pass', true)).toBe(56);
    expect(p.tests.find((t) => t.name === 'align/unknown shift')).toEqual({
      name: 'align/unknown shift',
      status: 'pass',
    });
    expect(p.testmodMissing).toBe(false);
  });

  it('reads the full run: 14 failed tests by name, with their logs, counted once', () => {
    const p = parseTestProgs(fixture('test_progs-6.1-full-14-failed.txt'));
    expect(p.summary).toEqual({ tests: 251, subtests: 1294, skipped: 51, failed: 14 });
    const failedTests = p.tests.filter((t) => t.status === 'fail' && !t.name.includes('/'));
    expect(failedTests.map((t) => t.name).sort()).toEqual([
      'bpf_cookie',
      'cgroup_attach_autodetach',
      'cgroup_attach_multi',
      'cgroup_attach_override',
      'cgroup_link',
      'lru_bug',
      'map_kptr',
      'netcnt',
      'snprintf_btf',
      'sockmap_listen',
      'tc_redirect',
      'tunnel',
      'verify_pkcs7_sig',
      'xdp_synproxy',
    ]);
    // Results repeated in "All error logs:" are not counted twice.
    expect(new Set(p.tests.map((t) => t.name)).size).toBe(p.tests.length);
    expect(count(p.tests, 'pass', false)).toBe(241);
    const cookie = p.tests.find((t) => t.name === 'bpf_cookie/perf_event');
    expect(cookie?.status).toBe('fail');
    expect(cookie?.excerpt).toContain('pe_res2 unexpected pe_res2: actual 0 != expected 2097152');
    const autodetach = p.tests.find((t) => t.name === 'cgroup_attach_autodetach');
    expect(autodetach?.excerpt).toContain('serial_test_cgroup_attach_autodetach:FAIL:63');
    expect(autodetach?.excerpt).not.toContain('#');
    // subtest names may contain ':'
    expect(
      p.tests.find((t) => t.name === 'core_reloc_btfgen/probed:bitfields___err_too_big_bitfield')
        ?.status,
    ).toBe('skip');
    expect(p.tests.find((t) => t.name === 'align')?.excerpt).toBeUndefined();
  });

  it('flags a bpf_testmod.ko that would not load', () => {
    const p = parseTestProgs(fixture('test_progs-6.1-stale-bpf_testmod.txt'));
    expect(p.testmodMissing).toBe(true);
    expect(p.summary).toBeUndefined();
    expect(p.tests.length).toBeGreaterThan(50);
  });

  it('keeps the setup error of a kernel too small for test_progs', () => {
    const p = parseTestProgs(fixture('test_progs-6.1-tinyconfig-setup-failure.txt'));
    expect(p.tests).toEqual([]);
    expect(p.preamble.join('\n')).toContain('open(/proc/self/ns/net): No such file or directory');
  });

  it('counts "OK (SKIP: n/m)" as a pass', () => {
    const p = parseTestProgs(
      '#29      btf_tag:OK (SKIP: 3/9)\nSummary: 1/6 PASSED, 3 SKIPPED, 0 FAILED\n',
    );
    expect(p.tests).toEqual([{ name: 'btf_tag', status: 'pass' }]);
  });
});

describe('test_progs -J', () => {
  const json = {
    success: 29,
    success_subtest: 23,
    skipped: 3,
    failed: 1,
    results: [
      {
        name: 'bpf_cookie',
        number: 10,
        message: '',
        failed: true,
        subtests: [
          {
            name: 'multi_kprobe_link_api',
            number: 2,
            message: 'test_multi:FAIL:link unexpected error: -22\n',
            failed: true,
          },
        ],
      },
    ],
  };

  it('validates the documented shape and overlays failure logs on the text results', () => {
    const parsed = TestProgsJson.parse(json);
    const merged = mergeJson(
      [
        { name: 'bpf_cookie', status: 'fail' },
        { name: 'bpf_cookie/multi_kprobe_link_api', status: 'fail' },
        { name: 'align', status: 'pass' },
      ],
      parsed,
    );
    expect(merged).toEqual([
      { name: 'bpf_cookie', status: 'fail' },
      {
        name: 'bpf_cookie/multi_kprobe_link_api',
        status: 'fail',
        excerpt: 'test_multi:FAIL:link unexpected error: -22',
      },
      { name: 'align', status: 'pass' },
    ]);
  });

  it('rejects JSON of the wrong shape', () => {
    expect(TestProgsJson.safeParse({ results: 'x' }).success).toBe(false);
  });
});
