import { join } from 'node:path';

export type BuildProfile = 'minimal' | 'selftests';

/**
 * Where one build happens. A lane gives its worktree as `srcDir` and, as
 * `buildDir`, the kernel's `O=` directory for ONE profile: keep it stable per
 * (lane, profile) and never wipe it between series, because make's mtime check
 * and ccache (which hashes the build dir path) are what make builds incremental.
 */
export interface BuildTarget {
  srcDir: string;
  buildDir: string;
  ccacheDir: string;
}

export function kernelImagePath(target: BuildTarget): string {
  return join(target.buildDir, 'arch', 'x86', 'boot', 'bzImage');
}

export function vmlinuxPath(target: BuildTarget): string {
  return join(target.buildDir, 'vmlinux');
}

/** The selftests' OUTPUT= directory: test_progs, test_verifier, ... land here. */
export function selftestsDir(target: BuildTarget): string {
  return join(target.buildDir, 'bpfci-selftests');
}
