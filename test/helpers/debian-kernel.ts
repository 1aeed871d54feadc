import { readdirSync } from 'node:fs';

/** Debian's newest stock kernel (linux-image-amd64) and its headers, as an older kernel. */
export function debianOlderKernel(name: string): {
  name: string;
  image: string;
  moduleBuildDir: string;
} {
  const release = readdirSync('/boot')
    .flatMap((f) => /^vmlinuz-(.+-amd64)$/.exec(f)?.slice(1) ?? [])
    .sort()
    .at(-1);
  if (!release) throw new Error('no /boot/vmlinuz-*-amd64: run scripts/setup.sh');
  return {
    name,
    image: `/boot/vmlinuz-${release}`,
    moduleBuildDir: `/usr/src/linux-headers-${release}`,
  };
}

/**
 * A test_progs test of the kernel tier's subset that Debian's kernel fails and the
 * tree's selftests config passes; blacklists/matrix/debian-6.1/DENYLIST names it.
 */
export const DEBIAN_ONLY = 'kprobe_multi_test';
