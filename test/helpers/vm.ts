import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Config } from '../../src/config/schema.js';
import type { AppContext } from '../../src/context.js';
import { openDatabase } from '../../src/db/open.js';
import { silentLogger } from '../../src/log.js';

/** The vm section of test boots: TCG, a small guest, short timeouts. */
export const TEST_VM = {
  accel: 'tcg',
  cpus: 2,
  memoryMb: 1024,
  bootTimeoutSeconds: 90,
  totalTimeoutSeconds: 300,
};

/**
 * A context for real QEMU boots: TCG (KVM is absent or hangs on this host; the probe has
 * its own test), small guests, short named timeouts. `vm` overrides merge into the section.
 */
export function vmContext(vm: Record<string, unknown> = {}): AppContext {
  const stateDir = mkdtempSync(join(tmpdir(), 'bpfci-vm-'));
  const config = Config.parse({ version: 1, state: { dir: stateDir }, vm: { ...TEST_VM, ...vm } });
  const db = openDatabase(join(stateDir, 'bpfci.sqlite'));
  return { config, configFile: join(stateDir, 'config.yaml'), db, log: silentLogger, stateDir };
}

/** Debian's prebuilt kernel (linux-image-amd64): modular, so it boots through bpfci's initramfs. */
export function debianKernel(): string {
  const image = readdirSync('/boot')
    .filter((f) => /^vmlinuz-\d/.test(f))
    .sort()
    .at(-1);
  if (!image) throw new Error('no /boot/vmlinuz-*: install linux-image-amd64 (scripts/setup.sh)');
  return join('/boot', image);
}

/** Processes of `program` still running whose command line mentions `needle` (a run's or lane's dir). */
export function processesFor(program: string, needle: string): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((pid) => {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return cmd.startsWith(program) && cmd.includes(needle);
      } catch {
        return false;
      }
    })
    .map(Number);
}
