/**
 * QEMU's argv for one guest. Pure. The host root is shared read-only over 9p (as vmtest
 * and virtme do), a second writable share carries the job in and the results out, the
 * serial console goes to stdout (watched for markers) and to a log file (the artifact).
 * -nodefaults and -nic none: the guest has no network beyond its own loopback.
 */

/** The only guest arch: the build makes x86_64 kernels (config vm.arch). */
export type Arch = 'x86_64';
export type Accel = 'kvm' | 'tcg';

export interface QemuPlan {
  arch: Arch;
  accel: Accel;
  cpus: number;
  memoryMb: number;
  kernel: string;
  /** An initramfs for modular kernels; without one the kernel mounts the 9p root itself. */
  initrd?: string;
  guestInit: string;
  outDir: string;
  /** Shared read-only as `selftests`: the host path may be hidden in the guest (/tmp is tmpfs). */
  selftestsDir?: string;
  consoleLog: string;
  kernelArgs?: string[];
}

interface ArchSpec {
  binary: string;
  machine: string[];
  console: string;
  cpu: Record<Accel, string>;
}

const ARCH: Record<Arch, ArchSpec> = {
  x86_64: {
    binary: 'qemu-system-x86_64',
    machine: [],
    console: 'ttyS0,115200',
    cpu: { kvm: 'host', tcg: 'max' },
  },
};

const ROOT_9P = 'trans=virtio,version=9p2000.L,cache=loose,msize=262144';

/**
 * Kernel arguments: BPF CI's (panic=-1 so a panic ends the VM; all-CPU backtraces on
 * lockups), no `oops=panic`, so an Oops is recorded and the run goes on, as in BPF CI.
 */
export function kernelCommandLine(plan: QemuPlan): string[] {
  const spec = ARCH[plan.arch];
  const common = [
    `console=${spec.console}`,
    'panic=-1',
    'printk.devkmsg=on',
    'softlockup_all_cpu_backtrace=1',
    'hardlockup_all_cpu_backtrace=1',
    'log_buf_len=16M',
  ];
  const root = plan.initrd
    ? ['rdinit=/init', `bpfci.init=${plan.guestInit}`]
    : ['root=/dev/root', 'rootfstype=9p', `rootflags=${ROOT_9P}`, 'ro', `init=${plan.guestInit}`];
  return [...common, ...root, ...keepUnderTmp(plan.guestInit), ...(plan.kernelArgs ?? [])];
}

/**
 * The guest mounts a tmpfs over /tmp, which hides the host's /tmp. When bpfci itself
 * runs from there (a CI clone in a mktemp dir), the guest init brings that one
 * directory back (bpfci.keep=), so its scripts and fixtures stay visible.
 */
function keepUnderTmp(guestInit: string): string[] {
  const top = /^\/tmp\/[^/]+/.exec(guestInit)?.[0];
  return top ? [`bpfci.keep=${top}`] : [];
}

export function qemuArgv(plan: QemuPlan): string[] {
  const spec = ARCH[plan.arch];
  const argv = [
    spec.binary,
    ...spec.machine,
    '-accel',
    plan.accel,
    '-cpu',
    spec.cpu[plan.accel],
    '-smp',
    String(plan.cpus),
    '-m',
    `${plan.memoryMb}M`,
    '-nodefaults',
    '-display',
    'none',
    '-nic',
    'none',
    '-no-reboot',
    '-chardev',
    `stdio,id=con,signal=off,logfile=${opt(plan.consoleLog)},logappend=off`,
    '-serial',
    'chardev:con',
    '-kernel',
    plan.kernel,
  ];
  if (plan.initrd) argv.push('-initrd', plan.initrd);
  argv.push('-append', kernelCommandLine(plan).join(' '));
  argv.push(
    '-virtfs',
    'local,id=root,path=/,mount_tag=root,security_model=none,readonly=on,multidevs=remap',
  );
  if (plan.selftestsDir) {
    argv.push(
      '-virtfs',
      `local,id=selftests,path=${opt(plan.selftestsDir)},mount_tag=selftests,security_model=none,readonly=on,multidevs=remap`,
    );
  }
  argv.push(
    '-virtfs',
    `local,id=out,path=${opt(plan.outDir)},mount_tag=out,security_model=none,multidevs=remap`,
  );
  return argv;
}

/** QEMU's option syntax separates with commas; a literal comma is written twice. */
function opt(value: string): string {
  return value.replace(/,/g, ',,');
}
