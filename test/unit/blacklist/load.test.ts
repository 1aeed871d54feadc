import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBlacklist, validateBlacklistDir } from '../../../src/blacklist/load.js';

const treeLists = new URL('../../fixtures/selftests/tree-6.1', import.meta.url).pathname;

function dirs(files: Record<string, string>): { dir: string; selftestsDir: string } {
  const root = mkdtempSync(join(tmpdir(), 'bpfci-bl-'));
  const dir = join(root, 'blacklists');
  const selftestsDir = join(root, 'selftests');
  mkdirSync(dir);
  cpSync(treeLists, selftestsDir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return { dir, selftestsDir };
}

describe('loadBlacklist', () => {
  const files = {
    DENYLIST: 'common_flake   # flaky everywhere\n',
    'DENYLIST.x86_64': 'x86_only\n',
    'DENYLIST.aarch64': 'arm_only\n',
    'DENYLIST-6.1': 'map_kptr  # mismatch\nlru_bug # fixed-by: abcdef1\n',
    'DENYLIST-6.6': 'newer_only\n',
    'DENYLIST.test_progs': 'progs_only\n',
    'ALLOWLIST-5.5': 'old_allow\n',
  };

  it.each([
    [
      'x86_64 on 6.1, fix not in base',
      { arch: 'x86_64', kernelRelease: '6.1.0-56-amd64' },
      () => false,
      ['common_flake', 'lru_bug', 'map_kptr', 'x86_only'],
      [],
    ],
    [
      'x86_64 on 6.1, fix in base: lru_bug expires',
      { arch: 'x86_64', kernelRelease: '6.1.192-gd6918edadb31' },
      (c: string) => c === 'abcdef1',
      ['common_flake', 'map_kptr', 'x86_only'],
      ['lru_bug'],
    ],
    [
      'aarch64 on 6.6, suite test_progs',
      { arch: 'aarch64', kernelRelease: '6.6.3', suite: 'test_progs' },
      () => false,
      ['arm_only', 'common_flake', 'newer_only', 'progs_only'],
      [],
    ],
    [
      'release unknown: no version file applies',
      { arch: 'x86_64' },
      () => true,
      ['common_flake', 'x86_only'],
      [],
    ],
  ])('%s', async (_name, scope, isAncestor, ours, expired) => {
    const { dir, selftestsDir } = dirs(files);
    const bl = await loadBlacklist({ dir, selftestsDir, isAncestor, ...scope });
    const tree = ['get_stack_raw_tp', 'stacktrace_build_id', 'stacktrace_build_id_nmi'];
    expect(bl.deny).toEqual(expect.arrayContaining([...tree, ...ours]));
    expect(
      bl.deny.filter(
        (p) => !bl.entries.find((e) => e.pattern === p && e.source.startsWith(selftestsDir)),
      ),
    ).toEqual(ours);
    expect(bl.expired.map((e) => e.pattern)).toEqual(expired);
    expect(bl.allow).toEqual([]);
    expect(bl.problems).toEqual([]);
  });

  it('keeps the tree lists first in merge order and reads ALLOWLIST per version', async () => {
    const { dir, selftestsDir } = dirs(files);
    const bl = await loadBlacklist({ dir, selftestsDir, arch: 's390x', kernelRelease: '5.5.0' });
    expect(bl.files.map((f) => f.split('/').slice(-1)[0])).toEqual([
      'DENYLIST',
      'DENYLIST.s390x',
      'DENYLIST',
      'ALLOWLIST-5.5',
    ]);
    expect(bl.allow).toEqual(['old_allow']);
    expect(bl.deny).toContain('atomics');
  });

  it('loads the shipped blacklists/ for 6.1', async () => {
    const bl = await loadBlacklist({
      dir: 'blacklists',
      arch: 'x86_64',
      kernelRelease: '6.1.0-56-amd64',
    });
    expect(bl.deny).toEqual(['lru_bug', 'map_kptr']);
    expect(bl.entries.every((e) => e.reason)).toBe(true);
    expect(bl.problems).toEqual([]);
  });
});

describe('validateBlacklistDir', () => {
  it('accepts the shipped directory', () => {
    expect(validateBlacklistDir('blacklists')).toEqual([]);
  });

  it('names bad files and bad lines', () => {
    const { dir } = dirs({ 'DENYLIST-6.1': 'ok\na,b\n', 'denylist.txt': 'x\n' });
    const problems = validateBlacklistDir(dir);
    expect(problems.map((p) => [p.source.split('/').pop(), p.line])).toEqual([
      ['DENYLIST-6.1', 2],
      ['denylist.txt', 0],
    ]);
  });
});
