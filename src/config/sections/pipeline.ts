import { z } from 'zod';
import { Seconds } from './common.js';

export const Build = z.object({
  profile: z.enum(['minimal', 'selftests']).default('selftests'),
  timeoutSeconds: Seconds.default(3600),
  /** make -j; defaults to the number of cores. */
  jobs: z.number().int().positive().optional(),
  ccacheDir: z.string().optional(),
  /** The kernel's C compiler (the selftests' BPF objects always use clang). */
  cc: z.string().default('gcc'),
  clang: z.string().default('clang'),
  sandbox: z
    .object({
      enabled: z.boolean().default(true),
      uid: z.number().int().positive().default(65534),
      maxProcesses: z.number().int().positive().default(4096),
    })
    .prefault({}),
});

export const Vm = z.object({
  /**
   * The guest's arch. Only x86_64: the build makes x86_64 kernels and there is no
   * cross toolchain, so another arch would name a run that never happened.
   */
  arch: z
    .enum(['x86_64'], {
      error: (i) =>
        `"${String(i.input)}" is not supported: bpfci builds and boots x86_64 kernels only`,
    })
    .default('x86_64'),
  accel: z.enum(['auto', 'kvm', 'tcg']).default('auto'),
  cpus: z.number().int().positive().default(2),
  memoryMb: z.number().int().min(256).default(4096),
  bootTimeoutSeconds: Seconds.default(120),
  suiteTimeoutSeconds: Seconds.default(1800),
  totalTimeoutSeconds: Seconds.default(3600),
  /** The KVM canary boot: KVM that does not print the kernel banner in time means TCG. */
  canaryTimeoutSeconds: Seconds.default(20),
  /** Extra kernel command-line arguments for every guest. */
  kernelArgs: z.array(z.string().regex(/^\S+$/, 'one argument, no spaces')).default([]),
});

export const Suite = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_-]+$/),
    kind: z.enum(['test_progs', 'test_verifier', 'test_maps', 'veristat', 'kselftest', 'command']),
    /**
     * For test_progs: allow patterns (-a); empty means every test. For veristat: object
     * file globs; empty means the tree's veristat.cfg (BPF CI's list of complex objects).
     */
    allow: z.array(z.string()).default([]),
    /** For test_progs: deny patterns (-d) on top of the merged deny lists. */
    deny: z.array(z.string()).default([]),
    /** For command / kselftest suites: argv run in the guest. */
    argv: z.array(z.string()).optional(),
    /** test_progs flavour binary (test_progs-no_alu32, test_progs-cpuv4); default test_progs. */
    binary: z
      .string()
      .regex(/^test_progs[\w-]*$/)
      .optional(),
    /** How a command suite's output is read; default: its exit code is one result. */
    parser: z.enum(['test_progs', 'test_verifier', 'test_maps', 'tap', 'exit-code']).optional(),
    timeoutSeconds: Seconds.optional(),
    /** For veristat: growth in processed instructions or states that warns, in percent. */
    growthPercent: z.number().positive().default(10),
  })
  .refine((s) => !['command', 'kselftest'].includes(s.kind) || (s.argv?.length ?? 0) > 0, {
    message: 'argv is required for command and kselftest suites',
    path: ['argv'],
  });

export const Judge = z.object({
  reruns: z.number().int().min(0).default(2),
  /** A test seen flaky this many times is treated as flaky from then on. */
  flakyThreshold: z.number().int().positive().default(3),
  bisect: z.boolean().default(true),
  /**
   * Reruns inside one job of a build or VM that failed on the host, before the job
   * ends on an infra verdict; the daemon then requeues it (daemon.retry).
   */
  infraRetries: z.number().int().min(0).default(3),
  /** First wait before such a rerun; doubles on each. */
  infraBackoffSeconds: z.number().min(0).default(30),
  /** A baseline another worker has been running longer than this is taken over. */
  baselineStaleSeconds: Seconds.default(7200),
});
