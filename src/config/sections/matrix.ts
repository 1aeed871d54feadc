import { z } from 'zod';

/**
 * The older-kernel matrix: a series' libbpf and selftests run on kernels people still
 * run, as libbpf's CI does, each kernel with its own deny lists and its own baseline.
 */

/** Names a check context (`bpfci-test_progs-x86_64-<name>`) and a directory. */
const KernelName = z
  .string()
  .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" and "-" only (it names a check context)');

/**
 * One older kernel: either a prebuilt image (`image`, with `moduleBuildDir` for
 * bpf_testmod and optionally `btf`), or a git ref of a configured tree (`tree` + `ref`)
 * that bpfci builds once with the selftests profile and again only when the ref moves.
 */
export const MatrixKernel = z
  .object({
    name: KernelName,
    /** A bzImage / vmlinuz. */
    image: z.string().min(1).optional(),
    /** An ELF vmlinux with a .BTF section, or raw BTF; default: read from the image. */
    btf: z.string().min(1).optional(),
    /** A kernel build dir to build bpf_testmod against, e.g. Debian's linux-headers-<release>. */
    moduleBuildDir: z.string().min(1).optional(),
    /** The image's modules (9p/virtio for the guest root); default /lib/modules/<release>. */
    modulesDir: z.string().min(1).optional(),
    tree: z.string().min(1).optional(),
    ref: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((k, ctx) => {
    const prebuilt = k.image !== undefined;
    const fromRef = k.tree !== undefined || k.ref !== undefined;
    const issue = (path: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [path], message });
    if (prebuilt === fromRef) {
      issue('image', 'give either image (a prebuilt kernel) or tree and ref (one bpfci builds)');
      return;
    }
    if (prebuilt && !k.moduleBuildDir)
      issue('moduleBuildDir', 'a prebuilt kernel needs the build dir bpf_testmod is built against');
    if (fromRef && !k.tree) issue('tree', 'a ref kernel names the configured tree it comes from');
    if (fromRef && !k.ref) issue('ref', 'a ref kernel names the git ref to build');
    if (fromRef) {
      for (const key of ['btf', 'moduleBuildDir', 'modulesDir'] as const)
        if (k[key] !== undefined)
          issue(key, `${key} is for prebuilt kernels; a ref kernel has its own`);
    }
  });

export type MatrixKernel = z.infer<typeof MatrixKernel>;

/** Userspace that older kernels run: a series touching none of it skips the matrix. */
export const MATRIX_PATHS = ['tools/lib/bpf/', 'tools/bpf/', 'tools/testing/selftests/bpf/'];

export const Matrix = z
  .object({
    kernels: z.array(MatrixKernel).default([]),
    /** Path prefixes (in the tree) whose change runs the matrix. */
    paths: z.array(z.string().min(1)).default(MATRIX_PATHS),
    /** Configured suites (by name) that run there; default: all but veristat (matrixSuites). */
    suites: z.array(z.string()).optional(),
  })
  .strict();

/**
 * The suites an older kernel runs: the named ones, or every configured suite but the
 * veristat gate, whose instruction counts compare a series with its base on the
 * kernel under test, not the series' userspace on an old kernel.
 */
export function matrixSuites<S extends { name: string; kind: string }>(
  matrix: { suites?: string[] | undefined },
  suites: S[],
): S[] {
  const named = matrix.suites;
  return named
    ? suites.filter((s) => named.includes(s.name))
    : suites.filter((s) => s.kind !== 'veristat');
}
