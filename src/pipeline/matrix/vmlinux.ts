import { closeSync, openSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { BotError } from '../../errors.js';
import { baseEnv, runCommand } from '../../exec/run.js';

/**
 * The vmlinux ELF inside an x86 bzImage, for the BTF its .BTF section carries (what
 * the selftests' vmlinux.h and bpf_testmod's split BTF are made from). Boot protocol
 * 2.08+ records where the compressed kernel is (payload_offset at 0x248, counted from
 * the protected-mode code, and payload_length at 0x24c), so no scanning for magic
 * bytes is needed, unlike the tree's scripts/extract-vmlinux. The decompressor is the
 * host's own tool, run without a shell.
 */
const DECOMPRESSORS: { magic: string; argv: string[] }[] = [
  { magic: 'fd377a585a00', argv: ['xz', '-dc', '--single-stream'] },
  { magic: '1f8b', argv: ['gzip', '-dc'] },
  { magic: '28b52ffd', argv: ['zstd', '-dcq'] },
  { magic: '02214c18', argv: ['lz4', '-dc'] },
  { magic: '425a68', argv: ['bzip2', '-dc'] },
  { magic: '5d00', argv: ['xz', '--format=lzma', '-dc'] },
];

export interface Payload {
  offset: number;
  length: number;
  argv: string[];
}

/** Where the compressed vmlinux sits in the image and which tool unpacks it. */
export function bzImagePayload(image: string): Payload {
  const header = readAt(image, 0, 0x250);
  if (header.length < 0x250 || header.toString('latin1', 0x202, 0x206) !== 'HdrS')
    throw new BotError('KERNEL_UNUSABLE', `${image} is not an x86 bzImage (no HdrS setup header)`);
  if (header.readUInt16LE(0x206) < 0x208)
    throw new BotError(
      'KERNEL_UNUSABLE',
      `${image}: boot protocol before 2.08 has no payload field`,
    );
  const setupSectors = header[0x1f1] || 4;
  const offset = (setupSectors + 1) * 512 + header.readUInt32LE(0x248);
  const length = header.readUInt32LE(0x24c);
  if (!length || offset + length > statSync(image).size)
    throw new BotError('KERNEL_UNUSABLE', `${image}: its payload lies outside the file`);
  const magic = readAt(image, offset, 6).toString('hex');
  const tool = DECOMPRESSORS.find((d) => magic.startsWith(d.magic));
  if (!tool)
    throw new BotError('KERNEL_UNUSABLE', `${image}: unknown kernel compression (${magic})`);
  return { offset, length, argv: tool.argv };
}

/** Writes the image's vmlinux ELF to `out`. */
export async function extractVmlinux(image: string, out: string): Promise<void> {
  const payload = bzImagePayload(image);
  const packed = `${out}.payload`;
  writeFileSync(packed, readAt(image, payload.offset, payload.length));
  try {
    // Our own script; the paths arrive in the environment, the tool as "$@".
    const r = await runCommand(
      ['sh', '-c', 'exec "$@" < "$BPFCI_IN" > "$BPFCI_OUT"', 'unpack', ...payload.argv],
      { env: { ...baseEnv(), BPFCI_IN: packed, BPFCI_OUT: out } },
    );
    if (r.exitCode !== 0)
      throw new BotError(
        'EXEC_FAILED',
        `${payload.argv[0]} could not unpack ${image}: ${r.stderrTail}`,
      );
  } finally {
    rmSync(packed, { force: true });
  }
  if (readAt(out, 0, 4).toString('latin1') !== '\x7fELF')
    throw new BotError('KERNEL_UNUSABLE', `${image}: its payload is not an ELF`);
}

function readAt(path: string, offset: number, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(length);
    const n = readSync(fd, buf, 0, length, offset);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}
