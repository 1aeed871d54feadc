import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseList } from '../../../src/blacklist/parse.js';

describe('parseList', () => {
  it('reads the in-tree format: comments, globs, subtests with spaces', () => {
    const text = [
      '# TEMPORARY',
      'get_stack_raw_tp    # spams with kernel warnings until next bpf -> bpf-next merge',
      '',
      'sockmap_basic/sockmap udp multi channels',
      'get_func_args_test\t                 # trampoline',
      'tc_tunnel/ip6gre*',
    ].join('\n');
    const { entries, problems } = parseList(text, 'DENYLIST');
    expect(problems).toEqual([]);
    expect(entries.map((e) => [e.pattern, e.test, e.subtest, e.line])).toEqual([
      ['get_stack_raw_tp', 'get_stack_raw_tp', undefined, 2],
      [
        'sockmap_basic/sockmap udp multi channels',
        'sockmap_basic',
        'sockmap udp multi channels',
        4,
      ],
      ['get_func_args_test', 'get_func_args_test', undefined, 5],
      ['tc_tunnel/ip6gre*', 'tc_tunnel', 'ip6gre*', 6],
    ]);
    expect(entries[0]?.reason).toBe('spams with kernel warnings until next bpf -> bpf-next merge');
  });

  it('takes fixed-by, link and reason out of the comment', () => {
    const { entries } = parseList(
      'map_kptr   # verifier rejects it  link: https://lore.kernel.org/x  fixed-by: 0123ABCD4567\n' +
        'lru_bug # see https://github.com/kernel-patches/vmtest/pull/490 for why\n',
      'f',
    );
    expect(entries[0]).toMatchObject({
      reason: 'verifier rejects it',
      link: 'https://lore.kernel.org/x',
      fixedBy: '0123abcd4567',
    });
    expect(entries[1]).toMatchObject({
      reason: 'see for why',
      link: 'https://github.com/kernel-patches/vmtest/pull/490',
    });
  });

  it.each([
    ['fixed-by: not-a-sha', 'a # fixed-by: main', /not a commit id/],
    ['empty test name', '/sub', /empty test name/],
    ['comma', 'a,b', /one entry per line/],
    ['a forgotten #', 'map_kptr because it fails', /missing "#"/],
    ['control character', 'a\u0007b', /control character/],
  ])('reports %s with file and line', (_name, line, message) => {
    const { problems } = parseList(`ok\n${line}\n`, 'blacklists/DENYLIST-6.1');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ source: 'blacklists/DENYLIST-6.1', line: 2 });
    expect(problems[0]?.message).toMatch(message);
  });

  it('parses the real 6.1 tree lists without problems', () => {
    for (const name of ['DENYLIST', 'DENYLIST.s390x']) {
      const text = readFileSync(
        new URL(`../../fixtures/selftests/tree-6.1/${name}`, import.meta.url),
        'utf8',
      );
      const { entries, problems } = parseList(text, name);
      expect(problems).toEqual([]);
      expect(entries.length).toBeGreaterThan(4);
    }
  });
});
