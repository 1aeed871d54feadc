import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { BotError } from '../../errors.js';
import { type CpioEntry, cpioArchive } from './cpio.js';
import { moduleLoadOrder, ROOT_MODULES } from './modules.js';

/** bpfci's own guest files (config/guest/), found relative to this module in src/ and dist/. */
export const GUEST_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'config',
  'guest',
);
const BUSYBOX = '/bin/busybox';

/**
 * Does this kernel need an initramfs to reach the 9p root? Yes when its 9p support is a
 * module installed on the host (Debian's kernel); a kernel built by bpfci has 9p built in
 * and no modules under /lib/modules, and boots straight into the 9p root.
 */
export function modulesDirFor(release: string | undefined): string | undefined {
  if (!release) return undefined;
  const dir = join('/lib/modules', release);
  if (!existsSync(join(dir, 'modules.dep'))) return undefined;
  const dep = readFileSync(join(dir, 'modules.dep'), 'utf8');
  return /(^|\/)9p\.ko(\.\w+)?:/m.test(dep) ? dir : undefined;
}

/**
 * A small initramfs (static busybox, the 9p/virtio modules, config/guest/initramfs-init),
 * cached per kernel release in the state dir and rebuilt when the modules change.
 */
export function ensureInitramfs(stateDir: string, release: string, modulesDir: string): string {
  const out = join(stateDir, 'vm', 'initramfs', `${release}.cpio`);
  const inputs = [join(modulesDir, 'modules.dep'), join(GUEST_DIR, 'initramfs-init'), BUSYBOX];
  if (existsSync(out) && inputs.every((f) => statSync(f).mtimeMs <= statSync(out).mtimeMs))
    return out;
  if (!existsSync(BUSYBOX))
    throw new BotError('TOOL_MISSING', `${BUSYBOX} (busybox-static) is needed for the initramfs`);
  const order = moduleLoadOrder(
    readFileSync(join(modulesDir, 'modules.dep'), 'utf8'),
    ROOT_MODULES,
  );
  if (order.length === 0) throw new BotError('VM_FAILED', `no 9p modules in ${modulesDir}`);
  const entries: CpioEntry[] = [
    ...['bin', 'dev', 'proc', 'newroot', 'modules'].map((path) => ({ kind: 'dir' as const, path })),
    // The kernel opens /dev/console for init before anything is mounted.
    { kind: 'char', path: 'dev/console', major: 5, minor: 1 },
    { kind: 'file', path: 'bin/busybox', data: readFileSync(BUSYBOX), mode: 0o755 },
    {
      kind: 'file',
      path: 'init',
      data: readFileSync(join(GUEST_DIR, 'initramfs-init')),
      mode: 0o755,
    },
  ];
  const names: string[] = [];
  for (const rel of order) {
    const name =
      rel
        .split('/')
        .pop()
        ?.replace(/\.(xz|zst|gz)$/, '') ?? rel;
    entries.push({
      kind: 'file',
      path: `modules/${name}`,
      data: moduleBytes(join(modulesDir, rel)),
    });
    names.push(name);
  }
  entries.push({ kind: 'file', path: 'modules/order', data: Buffer.from(`${names.join('\n')}\n`) });
  mkdirSync(dirname(out), { recursive: true });
  // Two jobs may build it at once: each writes its own file, the rename is atomic.
  const tmp = `${out}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, cpioArchive(entries));
  renameSync(tmp, out);
  return out;
}

/**
 * busybox insmod takes plain ELF. Debian ships plain .ko; .ko.gz is unpacked here, and
 * xz/zstd modules (other distributions) are refused with a clear error rather than
 * guessed at.
 */
function moduleBytes(path: string): Buffer {
  if (path.endsWith('.ko')) return readFileSync(path);
  if (path.endsWith('.ko.gz')) return gunzipSync(readFileSync(path));
  throw new BotError(
    'VM_FAILED',
    `compressed kernel module not supported for the initramfs: ${path}`,
  );
}
