import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import type { MatrixKernel } from '../../config/sections/matrix.js';
import type { AppContext } from '../../context.js';
import { BotError } from '../../errors.js';
import { kernelReleaseOf } from '../boot/kernel-release.js';
import type { OlderKernel } from './kernel.js';
import { extractVmlinux } from './vmlinux.js';

/**
 * A prebuilt older kernel (Debian's linux-image-* with its linux-headers-*), made ready
 * for the selftests once per image: its vmlinux, for the BTF, unpacked from the image
 * unless given; and a module build dir for bpf_testmod. kbuild writes a module's split
 * BTF only when `vmlinux` sits in that dir (scripts/Makefile.modfinal: "Skipping BTF
 * generation ... due to unavailability of vmlinux"), and a packaged headers dir has
 * none. So the dir bpf_testmod is built against is a farm of links to the headers,
 * plus the vmlinux: without its BTF, the tests that call bpf_testmod's kfuncs fail.
 * Everything is cached under <state>/matrix/<name>/<image hash>.
 */
export async function preparePrebuilt(ctx: AppContext, k: MatrixKernel): Promise<OlderKernel> {
  const image = resolve(k.image as string);
  const headers = resolve(k.moduleBuildDir as string);
  for (const [key, path] of [
    ['image', image],
    ['moduleBuildDir', join(headers, 'Makefile')],
    ...(k.btf ? [['btf', k.btf]] : []),
  ] as const) {
    if (!existsSync(path))
      throw new BotError('KERNEL_UNUSABLE', `matrix kernel ${k.name}: ${key} ${path} not found`);
  }
  const release = kernelReleaseOf(image);
  if (!release)
    throw new BotError('KERNEL_UNUSABLE', `matrix kernel ${k.name}: no release in ${image}`);
  const identity = contentHash([image, ...(k.btf ? [k.btf] : [])], headers);
  const dir = join(ctx.stateDir, 'matrix', k.name, identity.slice(0, 16));
  const vmlinux = k.btf ? resolve(k.btf) : join(dir, 'vmlinux');
  if (!k.btf && !existsSync(vmlinux)) {
    mkdirSync(dir, { recursive: true });
    await extractVmlinux(image, `${vmlinux}.tmp`);
    renameSync(`${vmlinux}.tmp`, vmlinux);
  }
  const kdir = join(dir, 'kdir');
  linkFarm(headers, kdir, vmlinux);
  return {
    name: k.name,
    image,
    release,
    vmlinux,
    moduleBuildDir: kdir,
    ...(k.modulesDir ? { modulesDir: resolve(k.modulesDir) } : {}),
    identity,
  };
}

/** `dir`: a link to every entry of `headers`, and to `vmlinux`. Made once, atomically. */
function linkFarm(headers: string, dir: string, vmlinux: string): void {
  if (existsSync(join(dir, 'vmlinux'))) return;
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  for (const entry of readdirSync(headers)) {
    if (entry !== 'vmlinux') symlinkSync(join(headers, entry), join(tmp, entry));
  }
  symlinkSync(vmlinux, join(tmp, 'vmlinux'));
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
}

const hashes = new Map<string, string>();

/** The files' content and the headers dir, once per (path, size, mtime) in a process. */
function contentHash(files: string[], headers: string): string {
  const h = createHash('sha256').update(headers);
  for (const f of files) {
    const st = statSync(f);
    const key = `${resolve(f)}:${st.size}:${st.mtimeMs}`;
    let digest = hashes.get(key);
    if (!digest) {
      digest = createHash('sha256').update(readFileSync(f)).digest('hex');
      hashes.set(key, digest);
    }
    h.update(digest);
  }
  return h.digest('hex');
}
