import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/load.js';

function problems(yaml: string): string[] {
  const file = join(mkdtempSync(join(tmpdir(), 'bpfci-matrix-cfg-')), 'c.yaml');
  writeFileSync(file, `version: 1\ntrees:\n  bpf-next: { upstream: /srv/bpf-next.git }\n${yaml}`);
  try {
    loadConfig(file);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

const prebuilt = '{ name: debian-6.1, image: /boot/vmlinuz, moduleBuildDir: /usr/src/h }';

describe('matrix config', () => {
  it('takes a prebuilt kernel and a ref of a configured tree', () => {
    expect(
      problems(
        `matrix:\n  kernels:\n    - ${prebuilt}\n    - { name: v6.6, tree: bpf-next, ref: v6.6 }\n`,
      ),
    ).toEqual([]);
  });

  it('names the key of every bad entry', () => {
    const found = problems(
      [
        'matrix:',
        '  suites: [test_progs, nope]',
        '  kernels:',
        '    - { name: a, image: /boot/x }',
        '    - { name: b, image: /boot/x, moduleBuildDir: /h, tree: bpf-next, ref: v1 }',
        '    - { name: c, tree: linux, ref: v6.6 }',
        '    - { name: d, tree: bpf-next, ref: v6.6, btf: /x }',
        `    - ${prebuilt.replace('debian-6.1', 'a')}`,
        '    - { name: "bad name", tree: bpf-next, ref: v1 }',
        '',
      ].join('\n'),
    );
    expect(found).toEqual([
      expect.stringMatching(/^matrix\.kernels\.0\.moduleBuildDir: a prebuilt kernel needs/),
      expect.stringMatching(/^matrix\.kernels\.1\.image: give either image .* or tree and ref/),
      expect.stringMatching(/^matrix\.kernels\.3\.btf: btf is for prebuilt kernels/),
      expect.stringMatching(/^matrix\.kernels\.5\.name: letters, digits/),
      expect.stringMatching(/^matrix\.kernels\.2\.tree: unknown tree "linux"/),
      expect.stringMatching(/^matrix\.kernels\.4\.name: "a" is named twice/),
      expect.stringMatching(/^matrix\.suites\.1: "nope" is not a configured suite/),
    ]);
  });

  it('needs the selftests profile', () => {
    expect(
      problems(`build: { profile: minimal }\nmatrix:\n  kernels:\n    - ${prebuilt}\n`),
    ).toEqual([
      expect.stringMatching(/^matrix\.kernels: older kernels need build\.profile selftests/),
    ]);
  });
});
