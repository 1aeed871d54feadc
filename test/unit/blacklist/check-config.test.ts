import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerCheckConfig } from '../../../src/cli/check-config.js';
import { runCliInProcess } from '../../helpers/cli-in-process.js';

const checkConfig = (args: string[]) =>
  runCliInProcess(registerCheckConfig, ['check-config', ...args]);

describe('bpfci check-config validates the deny lists', () => {
  it('accepts the shipped blacklists/', async () => {
    const r = await checkConfig(['config/example.yaml']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/blacklists: ok\n$/);
  });

  it('names every bad line by file and line, and exits 64', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bpfci-lists-'));
    writeFileSync(
      join(dir, 'DENYLIST-6.1'),
      'map_kptr # fine\nlru_bug fails sometimes\nx # fixed-by: soon\n',
    );
    const r = await checkConfig(['config/example.yaml', '--blacklists', dir]);
    expect(r.code).toBe(64);
    expect(r.err).toContain(
      `${dir}/DENYLIST-6.1:2: "lru_bug fails sometimes": a test name has no spaces`,
    );
    expect(r.err).toContain(`${dir}/DENYLIST-6.1:3: fixed-by "soon" is not a commit id`);
  });

  it('fails on an unsupported vm.arch with the key path and exit 64', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bpfci-arch-')), 'c.yaml');
    writeFileSync(file, 'version: 1\nvm:\n  arch: aarch64\n');
    const r = await checkConfig([file]);
    expect(r.code).toBe(64);
    expect(r.out).not.toContain(': ok');
    expect(r.err).toContain('vm.arch: "aarch64" is not supported');
  });
});
