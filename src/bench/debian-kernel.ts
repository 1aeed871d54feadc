import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Debian's newest prebuilt kernel (linux-image-amd64): modular, boots through bpfci's initramfs. */
export function debianKernel(): string {
  const image = readdirSync('/boot')
    .filter((f) => /^vmlinuz-\d/.test(f))
    .sort()
    .at(-1);
  if (!image) throw new Error('no /boot/vmlinuz-*: install linux-image-amd64 (scripts/setup.sh)');
  return join('/boot', image);
}
