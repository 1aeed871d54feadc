import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Config } from '../../../src/config/schema.js';
import { checkMatrix } from '../../../src/pipeline/matrix/check.js';
import { preparePrebuilt } from '../../../src/pipeline/matrix/prebuilt.js';
import { openTempDir } from '../../helpers/build-tree.js';
import { tempContext } from '../../helpers/daemon-state.js';
import { debianOlderKernel } from '../../helpers/debian-kernel.js';

/**
 * Debian's stock kernel (linux-image-amd64, with linux-headers-amd64: scripts/setup.sh)
 * made ready as an older kernel of the matrix: its BTF read out of the image, and a
 * module build dir that has the vmlinux kbuild wants for bpf_testmod's BTF.
 */
const debian = debianOlderKernel('debian-6.1');
const { image, moduleBuildDir: headers } = debian;
const release = image.replace(/^\/boot\/vmlinuz-/, '');

describe("Debian's kernel as an older kernel", () => {
  it('gets its vmlinux, with BTF, out of the image, and a module build dir around it', async () => {
    const ctx = tempContext();
    const k = await preparePrebuilt(ctx, debian);
    expect(k.release).toBe(release);
    const sections = execFileSync('readelf', ['-S', '-W', k.vmlinux], { encoding: 'utf8' });
    expect(sections).toMatch(/\s\.BTF\s+PROGBITS/);
    expect(realpathSync(join(k.moduleBuildDir, 'vmlinux'))).toBe(realpathSync(k.vmlinux));
    expect(realpathSync(join(k.moduleBuildDir, 'Makefile'))).toBe(join(headers, 'Makefile'));
    expect(existsSync(join(k.moduleBuildDir, 'Module.symvers'))).toBe(true);
    // Made once: a second series reuses it untouched.
    const mtime = statSync(k.vmlinux).mtimeMs;
    const again = await preparePrebuilt(ctx, debian);
    expect(again).toEqual(k);
    expect(statSync(again.vmlinux).mtimeMs).toBe(mtime);
  });

  it('refuses what is not a bzImage, and a payload that does not unpack, clearly', async () => {
    const ctx = tempContext();
    const dir = openTempDir('bpfci-bad-image-');
    const text = join(dir, 'vmlinuz-text');
    writeFileSync(text, 'not a kernel\n'.repeat(100));
    await expect(preparePrebuilt(ctx, { ...debian, name: 'text', image: text })).rejects.toThrow(
      /matrix kernel text: no release in .*vmlinuz-text/,
    );
    // A real setup header and release, its compressed kernel cut short.
    const cut = join(dir, 'vmlinuz-cut');
    const bytes = readFileSync(image);
    writeFileSync(cut, bytes.subarray(0, bytes.length / 2));
    await expect(preparePrebuilt(ctx, { ...debian, name: 'cut', image: cut })).rejects.toThrow(
      /its payload lies outside the file/,
    );
    const garbled = join(dir, 'vmlinuz-garbled');
    const copy = Buffer.from(bytes);
    copy.fill(0x41, copy.length - 200_000, copy.length - 100_000);
    writeFileSync(garbled, copy);
    await expect(
      preparePrebuilt(ctx, { ...debian, name: 'garbled', image: garbled }),
    ).rejects.toThrow(/xz could not unpack .*vmlinuz-garbled/);
  });

  it('check-config names a missing file by its key, and warns about lists no kernel uses', () => {
    const lists = openTempDir('bpfci-lists-');
    execFileSync('mkdir', ['-p', join(lists, 'matrix', 'ghost')]);
    writeFileSync(join(lists, 'matrix', 'ghost', 'DENYLIST'), 'x\n');
    const config = Config.parse({
      version: 1,
      matrix: {
        kernels: [debian, { name: 'gone', image: '/boot/none', moduleBuildDir: '/nonexistent' }],
      },
    });
    const found = checkMatrix(config, openTempDir('bpfci-state-'), lists);
    expect(found.map((p) => [p.level, p.where])).toEqual([
      ['error', 'matrix.kernels[1].image'],
      ['error', 'matrix.kernels[1].moduleBuildDir'],
      ['warning', join(lists, 'matrix', 'ghost')],
    ]);
    expect(found[0]?.message).toBe('/boot/none: kernel image not found');
  });

  it('check-config warns about a version list that no tree or older kernel has', () => {
    const lists = openTempDir('bpfci-lists-');
    for (const v of ['6.1', '5.15']) writeFileSync(join(lists, `DENYLIST-${v}`), 'x\n');
    const state = openTempDir('bpfci-state-');
    // The tree's version, from its lane's checkout; Debian's, from its image.
    execFileSync('mkdir', ['-p', join(state, 'lanes', 'bpf', 'src')]);
    writeFileSync(join(state, 'lanes', 'bpf', 'src', 'Makefile'), 'VERSION = 6\nPATCHLEVEL = 6\n');
    const config = Config.parse({
      version: 1,
      trees: { bpf: { upstream: '/srv/bpf.git' } },
      matrix: { kernels: [debian] },
    });
    expect(checkMatrix(config, state, lists)).toEqual([
      {
        level: 'warning',
        where: join(lists, 'DENYLIST-5.15'),
        message: 'no tested tree or older kernel is 5.15: this list applies nowhere',
      },
    ]);
  });
});
