import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canaryBoot, probeAccel } from '../../src/pipeline/boot/accel.js';
import { debianKernel, vmContext } from '../helpers/vm.js';

describe('probeAccel', () => {
  it('answers kvm or tcg with a reason, and caches the answer in the state dir', async () => {
    const ctx = vmContext({ accel: 'auto', canaryTimeoutSeconds: 15 });
    const first = await probeAccel(ctx);
    expect(['kvm', 'tcg']).toContain(first.accel);
    expect(first.reason).not.toBe('');
    const cache = join(ctx.stateDir, 'vm', 'accel-probe.json');
    expect(JSON.parse(readFileSync(cache, 'utf8'))).toEqual(first);
    // Cached: the same answer, same timestamp, no second canary.
    expect(await probeAccel(ctx)).toEqual(first);
    if (!existsSync('/dev/kvm'))
      expect(first).toMatchObject({ accel: 'tcg', reason: '/dev/kvm does not exist' });
  });

  it('takes a forced accelerator from the config without probing', async () => {
    const ctx = vmContext({ accel: 'tcg' });
    expect(await probeAccel(ctx)).toMatchObject({ accel: 'tcg', reason: 'set in config' });
    expect(existsSync(join(ctx.stateDir, 'vm', 'accel-probe.json'))).toBe(false);
  });
});

describe('canaryBoot', () => {
  it('sees the kernel banner under TCG and stops the guest at once', async () => {
    const ctx = vmContext();
    const run = await canaryBoot(ctx, { kernel: debianKernel(), accel: 'tcg', timeoutSeconds: 60 });
    expect(run).toEqual({ ok: true, reason: 'tcg canary printed the kernel banner' });
  });

  it('reports KVM that cannot run as not ok, with the reason', async () => {
    const run = await canaryBoot(vmContext(), {
      kernel: debianKernel(),
      accel: 'kvm',
      timeoutSeconds: 15,
    });
    // Here /dev/kvm is absent (QEMU refuses at once) or hangs (no banner before the timeout);
    // where KVM works the canary is ok.
    if (run.ok) expect(run.reason).toBe('kvm canary printed the kernel banner');
    else expect(run.reason).toMatch(/^failed: .*kvm|^no kernel banner within 15 s$/i);
  });
});
