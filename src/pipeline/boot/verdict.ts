import type { BootResult, Crash } from '../../verdict/stages.js';
import type { VmOutcome } from './run-vm.js';

/**
 * The run's status from the console markers, the named timeouts and the splats, never
 * from QEMU's exit code (0 after a panic under -no-reboot). Pure.
 */
export function bootStatus(
  vm: VmOutcome,
  crashes: Crash[],
  consoleText: string,
): Pick<BootResult, 'status' | 'reason'> {
  const banner = /Linux version \d/.test(consoleText);
  if (!banner && !vm.expired) {
    const why = vm.stderrTail.trim().split('\n').slice(-2).join(' ');
    return {
      status: 'infra',
      reason: `QEMU did not start the kernel (exit ${vm.exitCode}): ${why}`,
    };
  }
  const panic = crashes.find((c) => c.kind === 'panic');
  if (!vm.state.ready) {
    if (vm.expired)
      return { status: 'no-boot', reason: `no BPFCI-GUEST-READY before the ${vm.expired} timeout` };
    return {
      status: 'no-boot',
      reason: panic
        ? `kernel panic during boot: ${panic.fingerprint}`
        : 'guest stopped before BPFCI-GUEST-READY',
    };
  }
  if (vm.expired) return { status: 'timeout', reason: `${vm.expired} timeout ran out; VM killed` };
  if (panic) return { status: 'crash', reason: panic.fingerprint };
  if (!vm.state.done) return { status: 'crash', reason: 'guest stopped before BPFCI-GUEST-DONE' };
  // BPF CI's splat scan: a WARNING, KASAN report, lockup or OOM fails a run whose tests passed.
  const first = crashes[0];
  if (first) return { status: 'crash', reason: `kernel ${first.kind}: ${first.fingerprint}` };
  return { status: 'ok' };
}
