import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cpioArchive } from '../../../src/pipeline/boot/cpio.js';
import { jobScript, shellQuote } from '../../../src/pipeline/boot/job-script.js';
import { kernelReleaseOf } from '../../../src/pipeline/boot/kernel-release.js';
import { moduleLoadOrder } from '../../../src/pipeline/boot/modules.js';
import { kernelCommandLine, qemuArgv } from '../../../src/pipeline/boot/qemu-args.js';

const plan = {
  arch: 'x86_64' as const,
  accel: 'tcg' as const,
  cpus: 2,
  memoryMb: 1024,
  kernel: '/boot/vmlinuz',
  guestInit: '/opt/bpfci/config/guest/init',
  outDir: '/runs/1,2/share',
  consoleLog: '/runs/1,2/console.log',
};

describe('qemuArgv', () => {
  it('shares the host root read-only, has no network, and escapes commas in paths', () => {
    const argv = qemuArgv(plan);
    expect(argv.slice(0, 5)).toEqual(['qemu-system-x86_64', '-accel', 'tcg', '-cpu', 'max']);
    expect(argv).toContain('-no-reboot');
    expect(argv.join(' ')).toContain('-nic none');
    expect(argv).toContain(
      'local,id=root,path=/,mount_tag=root,security_model=none,readonly=on,multidevs=remap',
    );
    expect(argv).toContain(
      'local,id=out,path=/runs/1,,2/share,mount_tag=out,security_model=none,multidevs=remap',
    );
    expect(argv).not.toContain('-initrd');
    expect(argv.join(' ')).not.toContain('mount_tag=selftests');
    expect(qemuArgv({ ...plan, selftestsDir: '/tmp/st' })).toContain(
      'local,id=selftests,path=/tmp/st,mount_tag=selftests,security_model=none,readonly=on,multidevs=remap',
    );
  });

  it('boots a built-in-9p kernel straight into the 9p root, a modular one through the initramfs', () => {
    expect(kernelCommandLine(plan)).toEqual(
      expect.arrayContaining([
        'root=/dev/root',
        'rootfstype=9p',
        'init=/opt/bpfci/config/guest/init',
        'panic=-1',
      ]),
    );
    const modular = kernelCommandLine({
      ...plan,
      initrd: '/i.cpio',
      kernelArgs: ['kasan_multi_shot'],
    });
    expect(modular).toEqual(
      expect.arrayContaining([
        'rdinit=/init',
        'bpfci.init=/opt/bpfci/config/guest/init',
        'kasan_multi_shot',
      ]),
    );
    expect(modular.join(' ')).not.toContain('oops=panic');
    expect(qemuArgv({ ...plan, accel: 'kvm', initrd: '/i.cpio' })).toEqual(
      expect.arrayContaining(['-accel', 'kvm', '-cpu', 'host', '-initrd', '/i.cpio']),
    );
  });
});

describe('jobScript', () => {
  it('quotes every argument, so hostile names stay data', () => {
    expect(shellQuote("it's $(reboot)")).toBe(`'it'\\''s $(reboot)'`);
    const script = jobScript([
      {
        name: 'test_progs',
        argv: ['./test_progs', '-a', "x';reboot;'"],
        cwd: '/src/bpf',
        timeoutSeconds: 900,
      },
    ]);
    expect(script).toContain(`'timeout' '-k' '10' '900' './test_progs' '-a' 'x'\\'';reboot;'\\'''`);
    expect(script).toContain('echo "BPFCI-SUITE-START test_progs');
    expect(script).toContain(`> "$out/"'test_progs'.out 2>&1`);
  });

  it('runs in a real sh: outputs, exit codes and markers per suite', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bpfci-job-'));
    const script = jobScript([
      { name: 'a', argv: ['sh', '-c', 'echo "$0"; exit 3', "it's"], cwd: '/', timeoutSeconds: 5 },
      { name: 'b', argv: ['true'], cwd: '/nonexistent', timeoutSeconds: 5 },
    ]).replace('out=/tmp/out', `out=${dir}`);
    writeFileSync(join(dir, 'job.sh'), script);
    const console = execFileSync('sh', [join(dir, 'job.sh')], { encoding: 'utf8' });
    expect(console).toMatch(/BPFCI-SUITE-END a rc=3/);
    expect(console).toMatch(/BPFCI-SUITE-END b rc=[12]/);
    expect(readFileSync(join(dir, 'a.out'), 'utf8')).toBe("it's\n");
    expect(readFileSync(join(dir, 'a.rc'), 'utf8')).toMatch(/^3 \d+\.\d+ \d+\.\d+\n$/);
  });
});

describe('moduleLoadOrder', () => {
  it('loads dependencies first, each once (real Debian 6.1 modules.dep lines)', () => {
    const dep = [
      'kernel/fs/9p/9p.ko: kernel/net/9p/9pnet.ko kernel/fs/fscache/fscache.ko kernel/fs/netfs/netfs.ko',
      'kernel/net/9p/9pnet_virtio.ko: kernel/net/9p/9pnet.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko',
      'kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio_pci_legacy_dev.ko kernel/drivers/virtio/virtio_pci_modern_dev.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko',
      'kernel/drivers/virtio/virtio.ko: kernel/drivers/virtio/virtio_ring.ko',
      'kernel/drivers/virtio/virtio_ring.ko:',
      'kernel/drivers/virtio/virtio_pci_legacy_dev.ko:',
      'kernel/drivers/virtio/virtio_pci_modern_dev.ko:',
      'kernel/net/9p/9pnet.ko:',
      'kernel/fs/fscache/fscache.ko: kernel/fs/netfs/netfs.ko',
      'kernel/fs/netfs/netfs.ko:',
    ].join('\n');
    const order = moduleLoadOrder(dep, ['virtio_pci', '9pnet_virtio', '9p']).map((p) =>
      p.split('/').pop(),
    );
    expect(order).toEqual([
      'virtio_pci_legacy_dev.ko',
      'virtio_pci_modern_dev.ko',
      'virtio_ring.ko',
      'virtio.ko',
      'virtio_pci.ko',
      '9pnet.ko',
      '9pnet_virtio.ko',
      'netfs.ko',
      'fscache.ko',
      '9p.ko',
    ]);
  });
});

describe('cpioArchive', () => {
  it('writes newc that cpio(1) lists, with a device node', () => {
    const archive = cpioArchive([
      { kind: 'dir', path: 'dev' },
      { kind: 'char', path: 'dev/console', major: 5, minor: 1 },
      { kind: 'file', path: 'init', data: Buffer.from('#!/bin/sh\n'), mode: 0o755 },
    ]);
    const listing = execFileSync('cpio', ['-itv', '--quiet'], { input: archive, encoding: 'utf8' });
    expect(listing).toMatch(/^d.* dev$/m);
    expect(listing).toMatch(/^c.*5,\s+1 .* dev\/console$/m);
    expect(listing).toMatch(/^-rwxr-xr-x .* 10 .* init$/m);
  });
});

describe('kernelReleaseOf', () => {
  it('reads the release from a real bzImage header, and nothing from other files', () => {
    const image = execFileSync('sh', ['-c', 'ls /boot/vmlinuz-* | sort | tail -1'], {
      encoding: 'utf8',
    }).trim();
    expect(kernelReleaseOf(image)).toBe(image.replace('/boot/vmlinuz-', ''));
    expect(kernelReleaseOf('/bin/sh')).toBeUndefined();
  });
});
