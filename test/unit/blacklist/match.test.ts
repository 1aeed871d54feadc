import { describe, expect, it } from 'vitest';
import {
  globMatch,
  normalizePatterns,
  selector,
  shouldRunTest,
} from '../../../src/blacklist/match.js';

describe('globMatch (test_progs glob_match)', () => {
  it.each([
    ['tc_tunnel', 'tc_tunnel', true],
    ['tc_tunnel', 'tc_tun', false],
    ['tc_tunnel', 'tc_*', true],
    ['ip6gre_none', 'ip6gre*', true],
    ['verif_scale_pyperf600', 'verif_scale*600', true],
    ['verif_scale_pyperf600', '*pyperf*', true],
    ['verif_scale_pyperf600', '*pyperf', false],
    ['a', '**', true],
    ['', '*', true],
    ['x', '', false],
  ])('%s vs %s → %s', (str, pat, want) => {
    expect(globMatch(str, pat)).toBe(want);
  });
});

describe('shouldRunTest (should_run)', () => {
  const deny = ['verif_scale*', 'sockmap_basic/sockmap udp multi channels', 'xdp_*/tc'];
  it.each([
    // a bare entry removes the test
    ['verif_scale_loop1', [], false],
    // test/sub leaves the test itself running, whatever the glob on the test part
    ['sockmap_basic', [], true],
    ['xdp_synproxy', [], true],
    // allow is applied after deny, and an empty allow list allows everything
    ['align', [], true],
    ['align', ['align'], true],
    ['atomics', ['align'], false],
    ['align', ['al*'], true],
    ['verif_scale_loop1', ['verif_scale_loop1'], false],
  ] as const)('%s with allow %j → %s', (test, allow, want) => {
    expect(shouldRunTest(selector(deny, [...allow]), test)).toBe(want);
  });
});

describe('normalizePatterns', () => {
  it('sorts, dedupes and drops a/sub when bare a is present (prefix exactly a/)', () => {
    const entries = ['b', 'a/x', 'a', 'a_b/sub', 'b', 'c/y*'].map((pattern) => ({ pattern }));
    expect(normalizePatterns(entries)).toEqual(['a', 'a_b/sub', 'b', 'c/y*']);
  });
});
