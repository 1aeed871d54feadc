import { describe, expect, it } from 'vitest';
import { sandboxArgv } from '../../../src/exec/sandbox.js';
import { droppedLines } from '../../../src/pipeline/build/kconfig.js';
import { commonParent } from '../../../src/pipeline/build/make.js';

describe('sandboxArgv', () => {
  const argv = sandboxArgv(['make', 'all'], {
    binds: [
      { path: '/lanes/bpf/src', mode: 'ro' },
      { path: '/lanes/bpf/build', mode: 'rw' },
      { path: '/lanes/bpf/src/tools/x', source: '/lanes/bpf/build/x', mode: 'rw' },
    ],
    cwd: '/lanes/bpf/src',
    uid: 65534,
    maxProcesses: 64,
  });
  const bwrap = argv.slice(argv.indexOf('bwrap'));

  it('limits processes, unshares every namespace and ends with the command', () => {
    expect(argv.slice(0, 2)).toEqual(['prlimit', '--nproc=64:64']);
    expect(bwrap).toEqual(
      expect.arrayContaining(['--unshare-all', '--unshare-user', '--die-with-parent']),
    );
    expect(argv.slice(-3)).toEqual(['--', 'make', 'all']);
    if (process.getuid?.() === 0) expect(argv).toContain('--reuid=65534');
  });

  it('binds the lane only, in order, and never the whole root or /etc', () => {
    const pairs = bwrap.flatMap((a, i) =>
      a === '--bind' || a === '--ro-bind' ? [[a, bwrap[i + 1], bwrap[i + 2]]] : [],
    );
    expect(pairs).toContainEqual(['--ro-bind', '/lanes/bpf/src', '/lanes/bpf/src']);
    expect(pairs).toContainEqual(['--bind', '/lanes/bpf/build', '/lanes/bpf/build']);
    const overlay = pairs.findIndex((p) => p[2] === '/lanes/bpf/src/tools/x');
    expect(overlay).toBeGreaterThan(pairs.findIndex((p) => p[2] === '/lanes/bpf/src'));
    expect(pairs.map((p) => p[2])).not.toContain('/');
    expect(pairs.map((p) => p[2])).not.toContain('/etc');
    expect(pairs.filter((p) => p[0] === '--bind').map((p) => p[2])).toEqual([
      '/lanes/bpf/build',
      '/lanes/bpf/src/tools/x',
    ]);
  });
});

describe('droppedLines', () => {
  it('names fragment lines olddefconfig dropped, honouring the last assignment', () => {
    const fragments = 'CONFIG_A=y\nCONFIG_B=y\n# comment\nCONFIG_B=m\nCONFIG_C=n\n';
    expect(droppedLines(fragments, 'CONFIG_A=y\nCONFIG_B=y\n')).toEqual(['CONFIG_B=m']);
    expect(droppedLines(fragments, 'CONFIG_A=y\nCONFIG_B=m\n')).toEqual([]);
  });
});

describe('commonParent', () => {
  it("is the lane root for a lane's src and build dirs", () => {
    expect(commonParent('/s/lanes/bpf/src', '/s/lanes/bpf/build/minimal')).toBe('/s/lanes/bpf');
    expect(commonParent('/a/src', '/a/src/build')).toBe('/a');
  });
});
