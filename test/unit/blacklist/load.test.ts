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
      'DENYLIST.test_progs',
      'ALLOWLIST-5.5',
    ]);
    expect(bl.allow).toEqual(['old_allow']);
    expect(bl.deny).toContain('atomics');
    // A suite's file is loaded with its suite, and stays out of the general patterns.
    expect(bl.entries.find((e) => e.pattern === 'progs_only')?.suite).toBe('test_progs');
    expect(bl.deny).not.toContain('progs_only');
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

describe('gitIsAncestor (expiry against a real repository)', () => {
  it('expires an entry whose fix is in HEAD and keeps one whose fix is not, or unknown', async () => {
    const { execFileSync } = await import('node:child_process');
    const { gitEnv } = await import('../../../src/exec/git.js');
    const { gitIsAncestor } = await import('../../../src/blacklist/ancestry.js');
    const repo = mkdtempSync(join(tmpdir(), 'bpfci-anc-'));
    const git = (...args: string[]) =>
      execFileSync('git', ['-C', repo, ...args], { env: gitEnv(), encoding: 'utf8' }).trim();
    git('init', '-q', '-b', 'main');
    git('commit', '-q', '--allow-empty', '-m', 'fix');
    const fix = git('rev-parse', 'HEAD');
    git('checkout', '-q', '-b', 'other');
    git('commit', '-q', '--allow-empty', '-m', 'elsewhere');
    const elsewhere = git('rev-parse', 'HEAD');
    git('checkout', '-q', 'main');
    const { dir } = dirs({
      DENYLIST: `fixed_test # fixed-by: ${fix.slice(0, 12)}\nother_test # fixed-by: ${elsewhere}\ntypo_test # fixed-by: deadbeef\n`,
    });
    const bl = await loadBlacklist({ dir, arch: 'x86_64', isAncestor: gitIsAncestor(repo) });
    expect(bl.deny).toEqual(['other_test', 'typo_test']);
    expect(bl.expired.map((e) => e.pattern)).toEqual(['fixed_test']);
  });
});

describe('treeKernelVersion', () => {
  it('reads VERSION and PATCHLEVEL from the top Makefile', async () => {
    const { treeKernelVersion } = await import('../../../src/blacklist/tree-version.js');
    const tree = mkdtempSync(join(tmpdir(), 'bpfci-tree-'));
    writeFileSync(join(tree, 'Makefile'), '# SPDX\nVERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 192\n');
    expect(treeKernelVersion(tree)).toBe('6.1');
    expect(treeKernelVersion(join(tree, 'missing'))).toBeUndefined();
  });
});
