import { describe, expect, it } from 'vitest';
import {
  globMatch,
  isSelected,
  normalizePatterns,
  selector,
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

describe('isSelected (should_run / should_run_subtest)', () => {
  const deny = [
    'verif_scale*',
    'sockmap_basic/sockmap udp multi channels',
    'tc_tunnel/ip6gre*',
    'xdp_*/tc',
  ];
  it.each([
    // a bare test removes the test and all its subtests
    ['verif_scale_loop1', [], false],
    ['verif_scale_loop1/sub', [], false],
    // test/sub removes only matching subtests; the test itself still runs
    ['sockmap_basic', [], true],
    ['sockmap_basic/sockmap udp multi channels', [], false],
    ['sockmap_basic/sockmap create_update_free', [], true],
    ['tc_tunnel/ip6gre_none', [], false],
    ['tc_tunnel/ipip_none', [], true],
    // globs on both parts
    ['xdp_synproxy/tc', [], false],
    ['xdp_synproxy/xdp', [], true],
    // allow is applied after deny, and an empty allow list allows everything
    ['align', ['align'], true],
    ['atomics', ['align'], false],
    ['align/mov', ['align'], true],
    ['align/mov', ['align/sh*'], false],
    ['align/shift', ['align/sh*'], true],
    ['verif_scale_loop1', ['verif_scale_loop1'], false],
    ['sockmap_basic/sockmap udp multi channels', ['sockmap_basic'], false],
  ] as const)('%s with allow %j → %s', (name, allow, want) => {
    expect(isSelected(selector(deny, [...allow]), name)).toBe(want);
  });
});

describe('normalizePatterns', () => {
  it('sorts, dedupes and drops a/sub when bare a is present (prefix exactly a/)', () => {
    const entries = ['b', 'a/x', 'a', 'a_b/sub', 'b', 'c/y*'].map((pattern) => ({ pattern }));
    expect(normalizePatterns(entries)).toEqual(['a', 'a_b/sub', 'b', 'c/y*']);
  });
});
