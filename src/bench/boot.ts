import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Suite } from '../config/sections/pipeline.js';
import { baseEnv, runCommand } from '../exec/run.js';
import { bootAndTest } from '../pipeline/boot/boot-and-test.js';
import { cpioArchive } from '../pipeline/boot/cpio.js';
import { debianKernel } from './debian-kernel.js';
import { type BenchSection, benchAppContext, seconds, tempDir } from './section.js';

const VM = { accel: 'tcg', cpus: 2, memoryMb: 1024 } as const;

/**
 * VM boot-to-first-test: from calling the boot stage (initramfs cached) to the
 * guest's BPFCI-SUITE-START marker on the console, beside a bare QEMU boot of
 * the same kernel, same CPUs and memory, into a busybox initramfs whose init
 * prints a marker and powers off. Both timed from spawn to their marker line.
 */
export async function benchBoot(): Promise<BenchSection> {
  const kernel = debianKernel();
  const dir = tempDir('bpfci-bench-boot-');
  try {
    const bare = await bareBoot(kernel, dir);
    const ctx = benchAppContext(
      { vm: { ...VM, bootTimeoutSeconds: 120, totalTimeoutSeconds: 300 } },
      join(dir, 'state'),
    );
    // A fresh dir per boot: the warm-up's console.log already holds the marker.
    const artifactsDir = join(dir, 'bot');
    const suites = [Suite.parse({ name: 'first', kind: 'command', argv: ['true'] })];
    // Warm-up: builds and caches the initramfs, as on every boot after the first.
    await bootAndTest(ctx, {
      kernelImage: kernel,
      suites,
      lists: [],
      artifactsDir: join(dir, 'warm'),
    });
    const started = Date.now();
    let firstTest = 0;
    const watch = setInterval(() => {
      const text = readIfThere(join(artifactsDir, 'console.log'));
      if (!firstTest && text.includes('BPFCI-SUITE-START')) firstTest = Date.now() - started;
    }, 20);
    const result = await bootAndTest(ctx, {
      kernelImage: kernel,
      suites,
      lists: [],
      artifactsDir,
    });
    clearInterval(watch);
    if (result.status !== 'ok' || !firstTest)
      throw new Error(
        `boot stage did not reach its first test: ${result.status} ${result.reason ?? ''}`,
      );
    return {
      title: `boot: VM boot-to-first-test (${kernel}, TCG, ${VM.cpus} CPUs, ${VM.memoryMb} MB)`,
      rows: [
        ['bare qemu boot to init (reference)', seconds(bare)],
        [
          'bot boot stage to first test',
          `${seconds(firstTest)} = ${(firstTest / bare).toFixed(2)}x the reference`,
        ],
        ['bot boot stage, whole call', seconds(result.durationMs)],
      ],
      notes: [
        'bare: qemu -kernel <same> -initrd <busybox echo+poweroff> -append "console=ttyS0 panic=-1 rdinit=/init"',
        'bot: adds the module loads (virtio, 9p), the 9p host root, the job script and dmesg capture before the first test',
        'sampled every 20 ms on the console log; the whole call includes the trivial suite, poweroff and result collection',
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  }
}

async function bareBoot(kernel: string, dir: string): Promise<number> {
  const initrd = join(dir, 'bare.cpio');
  writeFileSync(
    initrd,
    cpioArchive([
      { kind: 'dir', path: 'bin' },
      { kind: 'dir', path: 'dev' },
      { kind: 'char', path: 'dev/console', major: 5, minor: 1 },
      { kind: 'file', path: 'bin/busybox', data: readFileSync('/bin/busybox'), mode: 0o755 },
      {
        kind: 'file',
        path: 'init',
        data: Buffer.from('#!/bin/busybox sh\necho BARE-READY\n/bin/busybox poweroff -f\n'),
        mode: 0o755,
      },
    ]),
  );
  const started = Date.now();
  let ready = 0;
  const argv = [
    'qemu-system-x86_64',
    ...['-accel', 'tcg', '-cpu', 'max', '-smp', String(VM.cpus), '-m', `${VM.memoryMb}M`],
    ...['-nodefaults', '-display', 'none', '-nic', 'none', '-no-reboot', '-serial', 'stdio'],
    ...['-kernel', kernel, '-initrd', initrd, '-append', 'console=ttyS0 panic=-1 rdinit=/init'],
  ];
  const r = await runCommand(argv, {
    env: baseEnv(),
    timeoutMs: 180_000,
    onLine: (line) => {
      if (!ready && line.includes('BARE-READY')) ready = Date.now() - started;
    },
  });
  if (!ready)
    throw new Error(`bare qemu boot printed no marker (exit ${r.exitCode}): ${r.stderrTail}`);
  return ready;
}

function readIfThere(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
