import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Suite } from '../../src/config/sections/pipeline.js';
import { bootAndTest } from '../../src/pipeline/boot/boot-and-test.js';
import { debianKernel, vmContext } from '../helpers/vm.js';

const fixtures = new URL('../fixtures/selftests/', import.meta.url).pathname;

/** A command suite that prints a captured real output and exits as the real binary did. */
function standIn(name: string, parser: string, file: string, rc: number) {
  return Suite.parse({
    name,
    kind: 'command',
    parser,
    argv: ['sh', '-c', 'cat "$0"; exit "$1"', join(fixtures, file), String(rc)],
  });
}

describe('boot Debian kernel, stand-in suites printing real selftests output', () => {
  it('parses test_progs, test_verifier and test_maps output produced in the guest', async () => {
    const ctx = vmContext();
    const artifactsDir = mkdtempSync(join(tmpdir(), 'bpfci-boot-'));
    const result = await bootAndTest(ctx, {
      kernelImage: debianKernel(),
      suites: [
        standIn('progs', 'test_progs', 'test_progs-6.1-full-14-failed.txt', 1),
        standIn('verifier', 'test_verifier', 'test_verifier-6.1-full.txt', 0),
        Suite.parse({ name: 'uname', kind: 'command', argv: ['uname', '-r'] }),
      ],
      lists: [],
      artifactsDir,
    });
    expect(result.reason).toBeUndefined();
    expect(result.status).toBe('ok');
    expect(result.completed).toBe(true);
    expect(result.accel).toBe('tcg');
    expect(result.kernelRelease).toMatch(/^6\.1\./);
    expect(result.crashes).toEqual([]);
    const [progs, verifier, uname] = result.suites;
    expect(progs).toMatchObject({ suite: 'progs', outcome: 'failed', exitCode: 1 });
    expect(progs?.tests.filter((t) => t.status === 'fail' && !t.name.includes('/'))).toHaveLength(
      14,
    );
    expect(progs?.tests.find((t) => t.name === 'map_kptr/success')?.status).toBe('fail');
    expect(verifier).toMatchObject({ outcome: 'ok', exitCode: 0 });
    expect(verifier?.tests).toHaveLength(2012);
    expect(uname).toMatchObject({ outcome: 'ok', tests: [{ name: 'uname', status: 'pass' }] });
  });
});
