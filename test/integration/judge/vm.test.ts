import { openSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AppContext } from '../../../src/context.js';
import { countRuns } from '../../../src/db/runs.js';
import { bootAndTest } from '../../../src/pipeline/boot/boot-and-test.js';
import type { BootRequest } from '../../../src/pipeline/stages.js';
import type { BootResult } from '../../../src/verdict/stages.js';
import { createLab } from '../../helpers/judge/lab.js';
import { treeTestsJson } from '../../helpers/judge/lab-repo.js';
import type { LabKernel } from '../../helpers/judge/lab-stages.js';
import { debianKernel } from '../../helpers/vm.js';

const VM = {
  accel: 'tcg',
  cpus: 2,
  memoryMb: 1024,
  bootTimeoutSeconds: 90,
  totalTimeoutSeconds: 300,
};

/**
 * Real QEMU boots: the lab kernel's verdict is carried by the stand-in suite's
 * arguments, the guest is Debian's kernel booted by the boot stage, and a lab
 * kernel that "does not boot" is a truncated copy of it (the real no-boot path).
 */
async function realVm(ctx: AppContext, req: BootRequest, kernel: LabKernel): Promise<BootResult> {
  const image = kernel.boots === false ? truncatedKernel(ctx.stateDir) : debianKernel();
  // The lab's tree lives under the host's /tmp, which the guest does not see: run from the share.
  return bootAndTest(ctx, { ...req, kernelImage: image, selftestsDir: undefined });
}

function truncatedKernel(dir: string): string {
  const out = join(dir, 'vmlinuz-truncated');
  const buf = Buffer.alloc(2 * 1024 * 1024);
  const n = readSync(openSync(debianKernel(), 'r'), buf, 0, buf.length, 0);
  writeFileSync(out, buf.subarray(0, n));
  return out;
}

const readme = (text: string) => ({ subject: `docs: ${text}`, files: { README: `${text}\n` } });

describe('judge scenarios booting QEMU', () => {
  it('blames patch 2 of 3, not the base failure, with real boots', async () => {
    const lab = createLab({
      tests: { alpha: 'pass', beta: 'pass', map_kptr: 'fail' },
      vm: realVm,
      config: { vm: VM },
    });
    const id = lab.post('make beta fail', [
      readme('one'),
      {
        subject: 'lab: break beta',
        files: { 'tests.json': treeTestsJson({ alpha: 'pass', beta: 'fail', map_kptr: 'fail' }) },
      },
      { subject: 'lab: add a file', files: { NEWS: 'news\n' } },
    ]);
    const { verdict } = await lab.run(id);
    expect(verdict.verdict).toBe('failure');
    const byName = Object.fromEntries(verdict.failures.map((f) => [f.name, f]));
    expect(byName.beta).toMatchObject({ class: 'new', guiltyPatch: 2 });
    expect(byName.map_kptr).toMatchObject({ class: 'pre-existing' });
    expect(verdict.boot?.status).toBe('ok');
    expect(verdict.extraRunsDetail?.bisect).toBeLessThanOrEqual(2);
    expect(lab.host.boots).toBe(2 + verdict.extraRuns);
  });

  it('calls a test failing 1 time in 3 flaky with real boots', async () => {
    const lab = createLab({
      tests: { alpha: 'pass', gamma: 'pass' },
      vm: realVm,
      config: { vm: VM },
    });
    lab.schedule({ tests: { gamma: { failOn: [2] } } });
    const { verdict } = await lab.run(lab.post('docs', [readme('one')]));
    expect(verdict.verdict).toBe('warning');
    expect(verdict.failures).toMatchObject([{ name: 'gamma', class: 'flaky' }]);
  });

  it('blames a guest that hangs only with the series, in real QEMU', async () => {
    const lab = createLab({
      tests: { alpha: 'pass' },
      vm: realVm,
      // The hang is caught by the VM's total timeout, well before a suite's.
      config: { vm: { ...VM, totalTimeoutSeconds: 30 } },
      judge: { reruns: 0 },
    });
    const id = lab.post('hang the guest', [
      readme('one'),
      {
        subject: 'lab: hang',
        files: { 'tests.json': treeTestsJson({ alpha: 'pass' }, { hangs: true }) },
      },
    ]);
    const { verdict } = await lab.run(id);
    expect(verdict.verdict, verdict.summary).toBe('failure');
    expect(verdict.failures).toMatchObject([
      { suite: 'kernel', name: 'hang: standin', class: 'new', guiltyPatch: 2 },
    ]);
    expect(verdict.failures[0]?.excerpt).toMatch(/^total \(30 s\) timeout ran out; VM killed/);
    expect(verdict.boot?.status).toBe('timeout');
    // The series kernel hung twice (the run and its retry); the base, its rerun and the
    // probe at patch 1 did not.
    expect(lab.host.boots).toBe(5);
  });

  it('reports a base kernel that does not boot in QEMU as infra', async () => {
    const lab = createLab({
      tests: { alpha: 'pass' },
      baseDoesNotBoot: true,
      vm: realVm,
      config: { vm: VM },
      judge: { infraRetries: 1 },
    });
    const { verdict } = await lab.run(lab.post('docs', [readme('one')]));
    expect(verdict.verdict).toBe('infra');
    // The boot stage calls a kernel QEMU cannot start infra; one that starts and dies, no-boot.
    expect(verdict.summary).toMatch(
      /the base lab@[0-9a-f]{12} (does not boot|could not be tested)/,
    );
    expect(verdict.failures).toEqual([]);
    expect(lab.host.boots).toBe(2);
    expect(countRuns(lab.ctx.db, 'series')).toBe(1);
  });
});
