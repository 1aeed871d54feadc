import {
  BOOT_TEST,
  KERNEL_SUITE,
  OLDER_BUILD_TEST,
  olderKernelOf,
  onOlderKernel,
} from '../verdict/suites.js';
import type { OlderKernelResult, Verdict } from '../verdict/verdict.js';
import type { ReportContext } from './context.js';
import { type StageLine, slugContext, suiteState } from './stages.js';

/**
 * The older-kernel matrix in the reports: a check context per kernel and suite
 * (`bpfci-test_progs-x86_64-debian-6.1`), and in the mail one line per kernel.
 */
export function olderSuiteContext(
  names: { contextPrefix: string; arch: string },
  suite: string,
  kernel: string,
): string {
  return slugContext(`${names.contextPrefix}-${suite}-${names.arch}-${kernel}`);
}

/** `test_progs on debian-6.1` for a qualified suite, the plain name otherwise. */
export function suiteLabel(qualified: string): string {
  const { suite, kernel } = olderKernelOf(qualified);
  return kernel ? `${suite} on ${kernel}` : suite;
}

/** Each older kernel's suites, as check lines (`kernel` set: the mail groups them). */
export function olderKernelLines(ctx: ReportContext): StageLine[] {
  const m = ctx.verdict.matrix;
  if (!m?.ran) return [];
  return m.kernels.flatMap((k) => {
    const suites = k.boot?.suites.map((s) => s.suite) ?? ctx.olderSuites;
    return suites.map((suite) => ({
      context: olderSuiteContext(ctx, suite, k.name),
      label: `${suite} on ${k.name}`,
      kernel: k.name,
      ...olderState(ctx.verdict, k, suite),
    }));
  });
}

function olderState(
  v: Verdict,
  k: OlderKernelResult,
  suite: string,
): Pick<StageLine, 'state' | 'summary'> {
  if (k.status !== 'tested') {
    const what = k.status === 'infra' ? 'infrastructure' : 'not run';
    return { state: 'warning', summary: `${what}: ${k.reason ?? 'unknown'}` };
  }
  const q = (s: string) => onOlderKernel(s, k.name);
  // The kernel-wide failures (its selftests do not build, it crashed) stand for every suite.
  const whole = v.failures.filter(
    (f) =>
      [q(OLDER_BUILD_TEST.suite), q(KERNEL_SUITE), q(BOOT_TEST.suite)].includes(f.suite) &&
      f.class !== 'fixed',
  );
  const fresh = whole.find((f) => f.class === 'new');
  if (fresh) {
    const by = fresh.guiltyPatch ? `, since patch ${fresh.guiltyPatch}` : '';
    return { state: 'fail', summary: `${fresh.name}${by}` };
  }
  const result = k.boot?.suites.find((s) => s.suite === suite);
  if (!result) return { state: 'warning', summary: `not run: ${k.reason ?? 'no result'}` };
  return suiteState(v, q(suite), result);
}

/** One mail line per older kernel: its worst state, its suites' summaries in a row. */
export function olderKernelRows(lines: StageLine[]): StageLine[] {
  const order: StageLine['state'][] = ['fail', 'warning', 'success'];
  const kernels = [...new Set(lines.flatMap((l) => (l.kernel ? [l.kernel] : [])))];
  return kernels.map((kernel) => {
    const mine = lines.filter((l) => l.kernel === kernel);
    const state = order.find((s) => mine.some((l) => l.state === s)) ?? 'success';
    // A kernel-wide outcome (infrastructure, a build break) is said once, not per suite.
    const same = mine.every((l) => l.summary === mine[0]?.summary);
    const summary = same
      ? (mine[0]?.summary ?? '')
      : mine.map((l) => `${l.label.replace(/ on .*$/, '')}: ${l.summary}`).join('; ');
    return { context: '', label: `on ${kernel}`, kernel, state, summary };
  });
}
