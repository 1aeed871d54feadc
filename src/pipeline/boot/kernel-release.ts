import { closeSync, openSync, readSync } from 'node:fs';

/**
 * The release string (`uname -r`) of an x86 bzImage, read from its setup header: the
 * 16-bit field at 0x20E points (minus 0x200) at "6.1.0-56-amd64 (debian-kernel@...) #1 ...".
 * It picks the host modules for a modular kernel and the version deny list. Other
 * formats (arm64 Image, s390 image) have no such field: the caller passes the release.
 */
export function kernelReleaseOf(image: string): string | undefined {
  const fd = openSync(image, 'r');
  try {
    const header = Buffer.alloc(0x210);
    if (readSync(fd, header, 0, header.length, 0) < header.length) return undefined;
    if (header.toString('latin1', 0x202, 0x206) !== 'HdrS') return undefined;
    const offset = header.readUInt16LE(0x20e) + 0x200;
    const text = Buffer.alloc(256);
    const n = readSync(fd, text, 0, text.length, offset);
    const release = text.toString('latin1', 0, n).split(/[\s\0]/)[0];
    return release && /^\d+\.\d+/.test(release) ? release : undefined;
  } finally {
    closeSync(fd);
  }
}
