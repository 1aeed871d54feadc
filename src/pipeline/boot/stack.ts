/**
 * The top of a kernel call chain: the first frame that says where the splat came from,
 * not how it was reported. Frames the reporting machinery adds (dump_stack, panic,
 * __warn, kasan_report, ...) and unreliable frames ("? foo") are skipped, and compiler
 * suffixes (.cold, .part.0, .isra.0, .constprop.0) removed, so the same bug gives the
 * same name on every build.
 */

const REPORTING = new Set([
  'dump_stack',
  'dump_stack_lvl',
  'show_stack',
  'panic',
  'vpanic',
  '__warn',
  'warn_slowpath_fmt',
  'report_bug',
  'handle_bug',
  'exc_invalid_op',
  'asm_exc_invalid_op',
  'lockdep_rcu_suspicious',
  'print_report',
  'kasan_report',
  'kasan_check_range',
  '__asan_load8',
  '__asan_store8',
  'ubsan_epilogue',
  'dump_header',
  'oom_kill_process',
  'out_of_memory',
  'check_panic_on_oom',
  'watchdog_timer_fn',
  'rcu_dump_cpu_stacks',
  'print_cpu_stall',
  'check_hung_uninterruptible_tasks',
  'nmi_cpu_backtrace',
  'die',
  'do_trap',
  'oops_end',
]);

const FRAME = /^\s*(\?\s+)?([A-Za-z_.$][\w.$]*)\+0x[0-9a-f]+\/0x[0-9a-f]+/;

export function topFrame(header: string, block: string[]): string | undefined {
  // "WARNING: CPU: 1 PID: 0 at include/trace/events/lock.h:24 lock_acquire+0x270/0x290"
  const at = / at \S+ ([A-Za-z_][\w.]*)\+0x/.exec(header);
  if (at?.[1]) return clean(at[1]);
  const rip = block.map((l) => /RIP: 0010:([A-Za-z_][\w.]*)\+0x/.exec(l)).find(Boolean);
  if (rip?.[1]) return clean(rip[1]);
  const trace = block.findIndex((l) => /Call Trace:/.test(l));
  for (const line of trace >= 0 ? block.slice(trace + 1) : []) {
    const m = FRAME.exec(line);
    if (!m?.[2] || m[1]) continue;
    const name = clean(m[2]);
    if (REPORTING.has(name) || name.startsWith('__ubsan_handle')) continue;
    return name;
  }
  return undefined;
}

function clean(name: string): string {
  return name.replace(/\.(cold|part|isra|constprop|llvm)(\.\d+)?.*$/, '');
}
