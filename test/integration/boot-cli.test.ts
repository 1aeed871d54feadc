import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerBoot } from '../../src/cli/boot.js';
import { runCliInProcess } from '../helpers/cli-in-process.js';
import { debianKernel } from '../helpers/vm.js';

const verifierOut = new URL('../fixtures/selftests/test_verifier-6.1-full.txt', import.meta.url)
  .pathname;

function configFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bpfci-bootcli-'));
  const file = join(dir, 'config.yaml');
  writeFileSync(
    file,
    [
      'version: 1',
      `state: { dir: ${JSON.stringify(join(dir, 'state'))} }`,
      'vm: { accel: tcg, cpus: 2, memoryMb: 1024, totalTimeoutSeconds: 300 }',
      'suites:',
      '  - { name: uname, kind: command, argv: [uname, -r] }',
      `  - { name: verifier, kind: command, parser: test_verifier, argv: [cat, ${JSON.stringify(verifierOut)}] }`,
      '',
    ].join('\n'),
  );
  return file;
}

const bpfci = (args: string[]) => runCliInProcess(registerBoot, args);

describe('bpfci boot', () => {
  it('boots the Debian kernel, runs the chosen suite and prints one line per test', async () => {
    const { code, out } = await bpfci([
      '-c',
      configFile(),
      'boot',
      debianKernel(),
      '--suites',
      'verifier',
    ]);
    expect(code).toBe(0);
    expect(out).toMatch(/^== verifier \(command\): ok, exit 0, 1365 pass, 647 skip, 0 fail$/m);
    expect(out).toContain('PASS  verifier  invalid and of negative number [p]\n');
    expect(out).toContain('SKIP  verifier  invalid and of negative number [u]\n');
    expect(out).not.toContain('== uname');
    expect(out).toMatch(
      /vmlinuz-6\.1\.\S+ \(6\.1\.\S+\), tcg: ok in \d+\.\d s; console: \S+console\.log\n$/,
    );
  });

  it('refuses an unknown suite with a usage error, before booting anything', async () => {
    const { code, err } = await bpfci([
      '-c',
      configFile(),
      'boot',
      debianKernel(),
      '--suites',
      'nope',
    ]);
    expect(code).toBe(64);
    expect(err).toContain('unknown suite "nope"; the config has: uname, verifier');
  });

  it('says which kernel image is missing', async () => {
    const { code, err } = await bpfci([
      '-c',
      configFile(),
      'boot',
      '/nonexistent/bzImage',
      '--json',
    ]);
    expect(code).toBe(64);
    expect(err).toContain('kernel image not found: /nonexistent/bzImage');
  });
});
