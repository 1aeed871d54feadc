import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTap } from '../../../src/pipeline/suites/parse-tap.js';
import { parseTestMaps } from '../../../src/pipeline/suites/parse-test-maps.js';
import { parseTestVerifier } from '../../../src/pipeline/suites/parse-test-verifier.js';

describe('parseTestVerifier', () => {
  it('reads the real 6.1 run: every result by unique name', () => {
    const text = readFileSync(
      new URL('../../fixtures/selftests/test_verifier-6.1-full.txt', import.meta.url),
      'utf8',
    );
    const p = parseTestVerifier(text);
    expect(p.summary).toEqual({ passed: 1365, skipped: 647, failed: 0 });
    expect(p.tests.filter((t) => t.status === 'pass')).toHaveLength(1365);
    expect(p.tests.filter((t) => t.status === 'skip')).toHaveLength(647);
    expect(new Set(p.tests.map((t) => t.name)).size).toBe(p.tests.length);
    expect(p.tests[0]).toEqual({
      name: 'invalid and of negative number [u]',
      status: 'skip',
      number: 0,
    });
    const dup = 'invalid map access into an array with a invalid max check [p]';
    expect(p.tests.filter((t) => t.name.startsWith(dup)).map((t) => t.name)).toEqual([
      dup,
      `${dup} (2)`,
    ]);
  });

  it('keeps a failure log', () => {
    const p = parseTestVerifier(
      [
        '#0/p good OK',
        '#1/p bad one FAIL',
        'Unexpected error message!',
        '\tEXP: R1 invalid mem access',
        '\tRES: ',
        '#2/p retval FAIL retval 1 != 2 ',
        '#3/u skipped SKIP (unsupported program type 42)',
        'Summary: 1 PASSED, 1 SKIPPED, 2 FAILED',
      ].join('\n'),
    );
    expect(p.tests).toEqual([
      { name: 'good [p]', status: 'pass', number: 0 },
      {
        name: 'bad one [p]',
        number: 1,
        status: 'fail',
        excerpt: 'Unexpected error message!\n\tEXP: R1 invalid mem access\n\tRES:',
      },
      { name: 'retval [p]', status: 'fail', excerpt: 'FAIL retval 1 != 2', number: 2 },
      {
        name: 'skipped [u]',
        status: 'skip',
        excerpt: 'SKIP (unsupported program type 42)',
        number: 3,
      },
    ]);
  });
});

describe('parseTestMaps', () => {
  const ok = [
    "Fork 1024 tasks to 'test_update_delete'",
    'test_array_map_batch_ops:PASS',
    'map_in_map_batch_ops:PASS with inner ARRAY map',
    'map_in_map_batch_ops:PASS with inner HASH map',
    'test_task_storage_map_stress_lookup SKIP (no CONFIG_PREEMPT)',
    'test_maps: OK, 1 SKIPPED',
  ].join('\n');

  it('reads a clean run', () => {
    const p = parseTestMaps(ok, 0);
    expect(p.finished).toBe(true);
    expect(p.skipped).toBe(1);
    expect(p.tests.map((t) => [t.name, t.status])).toEqual([
      ['test_array_map_batch_ops', 'pass'],
      ['map_in_map_batch_ops/with inner ARRAY map', 'pass'],
      ['map_in_map_batch_ops/with inner HASH map', 'pass'],
      ['test_task_storage_map_stress_lookup', 'skip'],
      ['test_maps', 'pass'],
    ]);
  });

  it('names the failed CHECK by function, without its line number', () => {
    const p = parseTestMaps(
      'test_array_map_batch_ops:PASS\ntest_hashmap(52):FAIL:update elem got -1\n',
      255,
    );
    expect(p.tests.map((t) => [t.name, t.status])).toEqual([
      ['test_array_map_batch_ops', 'pass'],
      ['test_hashmap', 'fail'],
    ]);
    expect(p.tests[1]?.excerpt).toContain('update elem got -1');
  });

  it('fails the core tests when test_maps dies without a verdict', () => {
    const p = parseTestMaps(
      "test_maps: test_maps.c:1460: run_parallel: Assertion `status == 0' failed.\n",
      134,
    );
    expect(p.tests).toEqual([
      {
        name: 'test_maps',
        status: 'fail',
        excerpt: "test_maps: test_maps.c:1460: run_parallel: Assertion `status == 0' failed.",
      },
    ]);
  });
});

describe('parseTap', () => {
  it('reads kselftest TAP with SKIP and TODO directives and diagnostics', () => {
    const p = parseTap(
      [
        'TAP version 13',
        '1..4',
        '# selftests: bpf: test_lwt_ip_encap.sh',
        'ok 1 selftests: bpf: test_lwt_ip_encap.sh',
        '# Cannot find device "veth1"',
        'not ok 2 selftests: bpf: test_tc_tunnel.sh # exit=1',
        'ok 3 selftests: bpf: test_xsk.sh # SKIP',
        'not ok 4 flaky one # TODO known',
        '  ok 1 nested result is ignored',
      ].join('\n'),
    );
    expect(p.planned).toBe(4);
    expect(p.tests.map((t) => [t.name, t.status])).toEqual([
      ['selftests: bpf: test_lwt_ip_encap.sh', 'pass'],
      ['selftests: bpf: test_tc_tunnel.sh', 'fail'],
      ['selftests: bpf: test_xsk.sh', 'skip'],
      ['flaky one', 'skip'],
    ]);
    expect(p.tests[1]?.excerpt).toContain('Cannot find device "veth1"');
  });
});

describe('parseTestVerifier on bpfci’s own capture (Debian 6.1.0-56 kernel, /u enabled)', () => {
  const text = readFileSync(
    new URL(
      '../../fixtures/selftests/test_verifier-6.1-on-debian-6.1.0-56-unpriv.txt',
      import.meta.url,
    ),
    'utf8',
  );
  const p = parseTestVerifier(text);

  it('finds every result even when libbpf prints between header and verdict', () => {
    expect(p.summary).toEqual({ passed: 2006, skipped: 0, failed: 6 });
    expect(p.tests).toHaveLength(2012);
    expect(p.tests.filter((t) => t.status === 'pass')).toHaveLength(2006);
    expect(p.tests.find((t) => t.name.startsWith('spin_lock: test1 success'))?.name).toBe(
      'spin_lock: test1 success [u]',
    );
    expect(p.tests.some((t) => t.name.includes('Failed to load BTF spec'))).toBe(false);
  });

  it('names the 6 failures and keeps both FAIL blocks of each in its log', () => {
    const failed = p.tests.filter((t) => t.status === 'fail');
    expect(failed.map((t) => t.name)).toEqual([
      'check deducing bounds from const, 1 [u]',
      'check deducing bounds from const, 3 [u]',
      'check deducing bounds from const, 5 [u]',
      'check deducing bounds from const, 6 [u]',
      'check deducing bounds from const, 9 [u]',
      'bpf_map_ptr: r = 0, r = r + map_ptr [u]',
    ]);
    expect(failed[0]?.excerpt).toContain('Unexpected verifier log!');
    expect(failed[0]?.excerpt).toContain(
      'RES: R0 has pointer with unsupported alu operation, pointer arithmetic with it prohibited for !root',
    );
    expect(failed[0]?.excerpt).not.toContain('#165');
  });
});
