import type { JudgedFailure } from '../verdict/failures.js';
import type { BootResult, BuildResult } from '../verdict/stages.js';
import { BOOT_TEST, KERNEL_SUITE } from '../verdict/suites.js';
import type { SuiteResult } from '../verdict/tests.js';
import type { Verdict } from '../verdict/verdict.js';
import { guiltyIndex, type ReportContext } from './context.js';
import { olderKernelLines } from './older-kernels.js';
import type { CheckState } from './types.js';

/** The outcome of one stage or suite: one Patchwork context and one line of the mail. */
export interface StageLine {
  /** Check context, e.g. `bpfci-test_progs-x86_64`. */
  context: string;
  /** Short name in the mail, e.g. `test_progs`. */
  label: string;
  state: Exclude<CheckState, 'pending'>;
  summary: string;
  /** An older kernel's line (older-kernels.ts): the mail shows one row per kernel. */
  kernel?: string;
}

/** Patchwork accepts only slugs; same rule as KPD's slugify_check_context. */
export function slugContext(text: string): string {
  return text
    .replace(/[^-a-zA-Z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_+|_+$/g, '');
}

export interface ContextNames {
  contextPrefix: string;
  arch: string;
  suites: string[];
}

export function suiteContext(names: ContextNames, suite: string): string {
  return slugContext(`${names.contextPrefix}-${suite}-${names.arch}`);
}

/** Every context a job will finish: posted as `pending` when it starts. */
export function plannedContexts(names: ContextNames): string[] {
  const p = names.contextPrefix;
  return [
    `${p}-apply`,
    `${p}-build`,
    `${p}-boot`,
    ...names.suites.map((s) => suiteContext(names, s)),
  ];
}

export function stageLines(ctx: ReportContext): StageLine[] {
  const v = ctx.verdict;
  const p = ctx.contextPrefix;
  const blocked = blocker(v);
  const lines: StageLine[] = [
    { context: `${p}-apply`, label: 'apply', ...applyState(ctx) },
    {
      context: `${p}-build`,
      label: 'build',
      ...(v.build?.length ? buildState(v, v.build, ctx.series.patches.length) : notRun(v, blocked)),
    },
    {
      context: `${p}-boot`,
      label: 'boot',
      ...(v.boot ? bootState(v, v.boot) : notRun(v, blocked)),
    },
  ];
  const ran = v.boot?.suites ?? [];
  const names = [...ctx.suites, ...ran.map((s) => s.suite).filter((s) => !ctx.suites.includes(s))];
  for (const suite of names) {
    const result = ran.find((s) => s.suite === suite);
    const context = suiteContext(ctx, suite);
    lines.push({
      context,
      label: suite,
      ...(result ? suiteState(v, suite, result) : notRun(v, blocked)),
    });
  }
  return [...lines, ...olderKernelLines(ctx)];
}

/**
 * One suite's line: a new failure fails it; failures none of which the series caused,
 * an infrastructure run or verifier growth warn. `qualified` is the suite's name in
 * the failures (test_progs@debian-6.1 on an older kernel).
 */
export function suiteState(
  v: Verdict,
  qualified: string,
  result: SuiteResult,
): Pick<StageLine, 'state' | 'summary'> {
  const failures = v.failures.filter((f) => f.suite === qualified && f.class !== 'fixed');
  const newOnes = failures.filter((f) => f.class === 'new');
  const passed = result.tests.filter((t) => t.status === 'pass').length;
  const skipped = result.tests.filter((t) => t.status === 'skip').length;
  if (newOnes.length > 0)
    return {
      state: 'fail',
      summary: `${count(newOnes.length, 'new failure')}: ${names3(newOnes)}`,
    };
  if (result.outcome === 'infra')
    return {
      state: 'warning',
      summary: `infrastructure: ${result.infraReason ?? 'runner failed'}`,
    };
  if (failures.length > 0)
    return { state: 'warning', summary: `${classCounts(failures)}, none caused by this series` };
  if (v.growth?.some((g) => g.suite === qualified))
    return { state: 'warning', summary: growthSummary(v, qualified) };
  return { state: 'success', summary: `${passed} passed, ${skipped} skipped` };
}

function applyState(ctx: ReportContext): Pick<StageLine, 'state' | 'summary'> {
  const a = ctx.verdict.apply;
  if (!a) return notRun(ctx.verdict, 'nothing was applied');
  const at = `${a.tree} at ${a.baseSha.slice(0, 12)}`;
  const total = ctx.series.patches.length || a.patches.length;
  switch (a.status) {
    case 'pass':
      return {
        state: 'success',
        summary: `applied ${total} patch${total === 1 ? '' : 'es'} to ${at}`,
      };
    case 'already-applied':
      return { state: 'success', summary: `already applied to ${at}` };
    case 'conflict': {
      const bad = a.patches.find((x) => x.status === 'failed');
      const which = bad ? `patch ${bad.index}/${total}` : 'the series';
      return { state: 'fail', summary: `${which} does not apply to ${at}` };
    }
    default:
      return { state: 'warning', summary: `not applied: ${a.reason ?? 'skipped'}` };
  }
}

function buildState(
  v: Verdict,
  builds: BuildResult[],
  total: number,
): Pick<StageLine, 'state' | 'summary'> {
  const failed = builds.find((b) => b.status !== 'pass');
  if (!failed) {
    const warned = builds.reduce((n, b) => n + b.newWarnings.length, 0);
    const targets = builds.map((b) => b.target).join(' and ');
    return { state: 'success', summary: `built ${targets}, ${count(warned, 'new warning')}` };
  }
  if (failed.status === 'timeout' || failed.status === 'contained' || v.verdict === 'infra') {
    return {
      state: 'warning',
      summary: `${failed.target} build ${failed.status}: ${failed.reason ?? 'infrastructure'}`,
    };
  }
  const guilty = failed.guiltyPatch ?? guiltyIndex(v);
  const where = failed.firstError?.file
    ? `${failed.firstError.file}:${failed.firstError.line ?? '?'}`
    : failed.target;
  return {
    state: 'fail',
    summary: `${failed.target} build failed at ${where}${guilty ? `, broken by patch ${guilty}/${total}` : ''}`,
  };
}

function bootState(v: Verdict, boot: BootResult): Pick<StageLine, 'state' | 'summary'> {
  if (boot.status === 'ok') return { state: 'success', summary: `booted (${boot.accel})` };
  if (boot.status === 'infra' || v.verdict === 'infra') {
    return { state: 'warning', summary: `infrastructure: ${boot.reason ?? 'VM did not run'}` };
  }
  const crash = boot.crashes[0];
  const judged = v.failures.filter(isKernelFailure);
  const isNew =
    judged.length === 0 ? v.verdict === 'failure' : judged.some((f) => f.class === 'new');
  const what = crash
    ? `kernel ${crash.kind}: ${crash.fingerprint}`
    : boot.status === 'timeout'
      ? `guest hung: ${boot.reason ?? 'VM killed at its timeout'}`
      : `boot ${boot.status}`;
  return isNew
    ? { state: 'fail', summary: what }
    : { state: 'warning', summary: `${what} (also on the base)` };
}

/** A kernel that did not boot (judged as `boot`) or crashed (as `kernel`, by fingerprint). */
export function isKernelFailure(f: JudgedFailure): boolean {
  return f.suite === BOOT_TEST.suite || f.suite === KERNEL_SUITE;
}

/** A stage that did not run: failed earlier (warning, the fail is elsewhere) or infra. */
export function notRun(v: Verdict, why: string): Pick<StageLine, 'state' | 'summary'> {
  return {
    state: 'warning',
    summary: `not run: ${v.verdict === 'infra' ? 'infrastructure problem' : why}`,
  };
}

function blocker(v: Verdict): string {
  if (v.apply && v.apply.status !== 'pass' && v.apply.status !== 'already-applied')
    return 'the series did not apply';
  if (v.build?.some((b) => b.status !== 'pass')) return 'the build failed';
  if (v.boot && v.boot.status !== 'ok') return 'the kernel did not boot';
  return 'stopped early';
}

export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function names3(failures: JudgedFailure[]): string {
  const shown = failures
    .slice(0, 3)
    .map((f) => f.name)
    .join(', ');
  return failures.length > 3 ? `${shown}, ...` : shown;
}

export function classCounts(failures: JudgedFailure[]): string {
  const order = ['new', 'pre-existing', 'flaky', 'infra', 'added'] as const;
  return order
    .map((c) => [c, failures.filter((f) => f.class === c).length] as const)
    .filter(([, n]) => n > 0)
    .map(([c, n]) => `${n} ${c}`)
    .join(', ');
}

/** `2 programs cost the verifier more: a.bpf.o/main insns +25%, ...` */
function growthSummary(v: Verdict, suite: string): string {
  const grown = (v.growth ?? []).filter((g) => g.suite === suite);
  const programs = new Set(grown.map((g) => g.name)).size;
  const shown = grown
    .slice(0, 3)
    .map((g) => `${g.name} ${g.metric} +${g.percent}%`)
    .join(', ');
  const more = grown.length > 3 ? ', ...' : '';
  return `${count(programs, 'program')} cost the verifier more: ${shown}${more}`;
}
