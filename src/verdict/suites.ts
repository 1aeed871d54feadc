/**
 * Pseudo-suites: a kernel that does not boot, or crashes, is judged (and bisected, and
 * reported) like a failing test. The judge produces failures under these names and the
 * reports recognise them by the same names, so the names live here, not in either.
 */

/** The pseudo-suite that kernel crashes are judged under, one test per crash fingerprint. */
export const KERNEL_SUITE = 'kernel';

/** The pseudo-test a kernel that never boots fails. */
export const BOOT_TEST = { suite: 'boot', name: 'kernel boots' } as const;

/**
 * A suite as run on an older kernel of the matrix: `test_progs@debian-6.1`. Qualified
 * names keep each kernel's results apart through baselines, reruns, bisection and
 * flakiness records; the reports split them back into suite and kernel.
 */
export function onOlderKernel(suite: string, kernel: string): string {
  return `${suite}@${kernel}`;
}

/** The suite and older kernel of a qualified name; no kernel: the series' own kernel. */
export function olderKernelOf(suite: string): { suite: string; kernel?: string } {
  const at = suite.lastIndexOf('@');
  return at < 0 ? { suite } : { suite: suite.slice(0, at), kernel: suite.slice(at + 1) };
}

/** The pseudo-test an older kernel fails when the series' selftests no longer build for it. */
export const OLDER_BUILD_TEST = { suite: 'build', name: 'selftests build' } as const;
