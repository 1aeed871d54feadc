/**
 * Pseudo-suites: a kernel that does not boot, or crashes, is judged (and bisected, and
 * reported) like a failing test. The judge produces failures under these names and the
 * reports recognise them by the same names, so the names live here, not in either.
 */

/** The pseudo-suite that kernel crashes are judged under, one test per crash fingerprint. */
export const KERNEL_SUITE = 'kernel';

/** The pseudo-test a kernel that never boots fails. */
export const BOOT_TEST = { suite: 'boot', name: 'kernel boots' } as const;
