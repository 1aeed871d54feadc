/**
 * A minimal cpio "newc" writer: the format the kernel unpacks as an initramfs. Written
 * here rather than shelling out to cpio(1) because the archive needs a /dev/console
 * device node, which only root could create on disk, and nothing else.
 */

export type CpioEntry =
  | { kind: 'dir'; path: string }
  | { kind: 'file'; path: string; data: Buffer; mode?: number }
  | { kind: 'char'; path: string; major: number; minor: number };

export function cpioArchive(entries: CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  let ino = 1;
  for (const e of [
    ...entries,
    { kind: 'file', path: 'TRAILER!!!', data: Buffer.alloc(0), mode: 0 } as const,
  ]) {
    const data = e.kind === 'file' ? e.data : Buffer.alloc(0);
    const trailer = e.path === 'TRAILER!!!';
    const mode = trailer ? 0 : modeOf(e);
    const fields = [
      trailer ? 0 : ino++,
      mode,
      0, // uid
      0, // gid
      e.kind === 'dir' ? 2 : 1,
      0, // mtime: fixed, so the same inputs give the same bytes
      data.length,
      0,
      0,
      e.kind === 'char' ? e.major : 0,
      e.kind === 'char' ? e.minor : 0,
      Buffer.byteLength(e.path) + 1,
      0,
    ];
    const header = `070701${fields.map((f) => f.toString(16).padStart(8, '0')).join('')}`;
    parts.push(pad(Buffer.concat([Buffer.from(header), Buffer.from(`${e.path}\0`)])));
    if (data.length) parts.push(pad(data));
  }
  return Buffer.concat(parts);
}

function modeOf(e: CpioEntry): number {
  if (e.kind === 'dir') return 0o40755;
  if (e.kind === 'char') return 0o20600;
  return 0o100000 | (e.mode ?? 0o644);
}

function pad(buf: Buffer): Buffer {
  const rest = buf.length % 4;
  return rest ? Buffer.concat([buf, Buffer.alloc(4 - rest)]) : buf;
}
