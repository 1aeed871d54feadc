import type { TestResult } from '../../verdict/tests.js';

/** test_progs -w: `WATCHDOG: test case <name> executes for <n> seconds...` (6.4 and later). */
const WATCHDOG = /^WATCHDOG: test case (\S+) executes for (\d+) seconds/m;

export interface HangContext {
  /** What `test_progs -l` with the run's -a/-d listed, in run order. */
  listed?: string[];
  /** serial_test_* names of this binary: with -j they run after all the others. */
  serial: string[];
  parallel: boolean;
  /** Why the suite has no end: it timed out, or the guest died under it. */
  why: string;
}

/**
 * The test a test_progs run that never ended was in, as a failing result, so it is judged
 * (and bisected) like any failure. With -w test_progs names it itself. Without (6.1), it
 * is the first listed test that printed no result: in a serial run the tests start in
 * list order; with -j the serial tests start only after every other one has finished, so
 * an unfinished non-serial test comes first.
 */
export function hungTest(
  output: string,
  tests: TestResult[],
  ctx: HangContext,
): TestResult | undefined {
  const watchdog = WATCHDOG.exec(output);
  if (watchdog?.[1]) return hung(watchdog[1], `${ctx.why}; test_progs' watchdog: ${watchdog[0]}`);
  if (!ctx.listed?.length) return undefined;
  const done = new Set(tests.map((t) => t.name.split('/')[0]));
  const open = ctx.listed.filter((t) => !done.has(t));
  const serial = new Set(ctx.serial);
  const first = (ctx.parallel && open.find((t) => !serial.has(t))) || open[0];
  return first ? hung(first, `${ctx.why}; the first listed test without a result`) : undefined;
}

function hung(name: string, why: string): TestResult {
  return { name, status: 'fail', excerpt: `no result: ${why}` };
}

/** serial_test_<name> function names, from the symbol table of the (unexecuted) binary. */
export function serialTestsIn(binary: Buffer): string[] {
  const names = binary.toString('latin1').match(/serial_test_[A-Za-z0-9_]+(?=\0)/g) ?? [];
  return [...new Set(names.map((n) => n.slice('serial_test_'.length)))];
}
