import type { JudgedFailure } from '../verdict/failures.js';
import { guiltyIndex, type ReportContext } from './context.js';
import { suiteLabel } from './older-kernels.js';
import { count, isKernelFailure } from './stages.js';
import { excerpt, oneLine, WIDTH, wrap } from './text.js';

/** Line budgets: enough to act on, the rest is one click away (maintainers dislike walls of log). */
const FAILURE_LINES = 40;
const CONFLICT_LINES = 25;
const LIST_MAX = 15;

type Lines = string[];

export function patchLabel(ctx: ReportContext, index: number): string {
  const total = ctx.series.patches.length;
  const patch = ctx.series.patches.find((p) => p.index === index);
  return `patch ${index}/${total}${patch ? ` "${oneLine(patch.subject, 200)}"` : ''}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function conflictSection(ctx: ReportContext): Lines {
  const apply = ctx.verdict.apply;
  if (apply?.status !== 'conflict') return [];
  const bad = apply.patches.find((p) => p.status === 'failed');
  const out = wrap(
    `${bad ? capitalize(patchLabel(ctx, bad.index)) : 'The series'} does not apply to ${apply.tree} at ${apply.baseSha.slice(0, 12)} (${apply.baseReason}).`,
  );
  if (bad?.conflictFiles?.length)
    out.push(
      '',
      'Conflicting files:',
      ...bad.conflictFiles.map((f) => `  ${oneLine(f, WIDTH - 2)}`),
    );
  const detail = bad?.conflictDiff ?? bad?.error ?? apply.reason;
  if (detail) out.push('', ...excerpt(detail, CONFLICT_LINES));
  out.push('', ...wrap(`Please rebase the series onto the current ${apply.tree} and resend it.`));
  return out;
}

export function buildSection(ctx: ReportContext): Lines {
  const failed = ctx.verdict.build?.find((b) => b.status === 'fail');
  if (!failed) return [];
  const guilty = failed.guiltyPatch ?? guiltyIndex(ctx.verdict);
  const out = wrap(
    `The ${failed.target} build fails${guilty ? `, first with ${patchLabel(ctx, guilty)}` : ''}:`,
  );
  const err = failed.firstError;
  if (err) {
    const where = err.file ? `${err.file}:${err.line ?? '?'}: ` : '';
    out.push('', ...excerpt(`${where}${err.message}`, 4));
    if (err.context) out.push(...excerpt(err.context, FAILURE_LINES));
  }
  return out;
}

export function crashSection(ctx: ReportContext): Lines {
  const boot = ctx.verdict.boot;
  const crash = boot?.crashes[0];
  if (boot?.status !== 'crash' || !crash) return [];
  const more =
    boot.crashes.length > 1 ? ` (and ${count(boot.crashes.length - 1, 'more report')})` : '';
  return [
    ...wrap(`The kernel reported a ${crash.kind} in ${crash.fingerprint}${more}:`),
    '',
    ...excerpt(crash.excerpt.replace(/^\[\s*\d+\.\d+\] ?/gm, ''), FAILURE_LINES),
  ];
}

export function newFailuresSection(ctx: ReportContext): Lines {
  // Crashes have their own section: this one is for tests.
  const fresh = ctx.verdict.failures.filter((f) => f.class === 'new' && !isKernelFailure(f));
  const [first, ...rest] = fresh;
  if (!first) return [];
  const v = ctx.verdict;
  const one = fresh.length === 1;
  const base = v.baselineRunId
    ? `on the same base (baseline run ${v.baselineRunId})`
    : 'on the same base';
  // Bisection probes are not reruns: some of them pass by design.
  const reruns = v.extraRunsDetail?.seriesReruns ?? v.extraRuns;
  const again = reruns > 0 ? ` and failed again on ${count(reruns, 'rerun')}` : '';
  const out = wrap(
    `${count(fresh.length, 'test')} fail${one ? 's' : ''} with this series applied. ${one ? 'It passes' : 'They pass'} ${base}${again}.`,
  );
  const where = suiteLabel(first.suite);
  out.push('', ...wrap(`First new failure: ${where}: ${oneLine(first.name, 200)}`));
  if (first.guiltyPatch) out.push(...wrap(`Introduced by ${patchLabel(ctx, first.guiltyPatch)}`));
  if (first.excerpt) out.push('', ...excerpt(first.excerpt, FAILURE_LINES));
  if (rest.length) out.push('', 'Other new failures:', ...failureList(rest, () => ''));
  return out;
}

const NOT_OURS: Record<string, string> = {
  'pre-existing': 'also fails on the base',
  flaky: 'flaky, passed on a rerun',
  infra: 'infrastructure',
  added: 'new with this series; listed, not judged',
};

export function notCausedSection(ctx: ReportContext): Lines {
  const others = ctx.verdict.failures.filter((f) => f.class in NOT_OURS);
  if (others.length === 0) return [];
  return [
    'Failures NOT caused by this series (no action needed):',
    ...failureList(others, (f) => ` (${NOT_OURS[f.class]})`),
  ];
}

/** Not a failure: a bigger program can be the point of a series, so it is named, not blamed. */
export function growthSection(ctx: ReportContext): Lines {
  const growth = ctx.verdict.growth ?? [];
  if (growth.length === 0) return [];
  const shown = growth
    .slice(0, LIST_MAX)
    .map(
      (g) =>
        `  ${oneLine(`${g.suite}: ${g.name}: ${g.metric} ${g.base} -> ${g.series} (+${g.percent}%)`, WIDTH - 2)}`,
    );
  if (growth.length > LIST_MAX)
    shown.push(`  ... and ${growth.length - LIST_MAX} more on the run page`);
  return [
    ...wrap(
      'The verifier works harder on these programs with the series (veristat, against the base):',
    ),
    ...shown,
  ];
}

export function fixedSection(ctx: ReportContext): Lines {
  const fixed = ctx.verdict.failures.filter((f) => f.class === 'fixed');
  if (fixed.length === 0) return [];
  return [
    'Fixed by this series (fail on the base, pass with it):',
    ...failureList(fixed, () => ''),
  ];
}

export function versionDiffSection(ctx: ReportContext): Lines {
  const d = ctx.verdict.versionDiff;
  if (!d || (d.fixed.length === 0 && d.broken.length === 0)) return [];
  const list = (names: string[]) =>
    names.slice(0, LIST_MAX).map((n) => `    ${oneLine(n, WIDTH - 4)}`);
  const out = [`Compared with the previous version (series ${d.previousSeriesId}):`];
  if (d.broken.length) out.push('  newly failing:', ...list(d.broken));
  if (d.fixed.length) out.push('  now passing:', ...list(d.fixed));
  return out;
}

function failureList(failures: JudgedFailure[], note: (f: JudgedFailure) => string): Lines {
  const shown = failures
    .slice(0, LIST_MAX)
    .map((f) => `  ${oneLine(`${suiteLabel(f.suite)}: ${f.name}${note(f)}`, WIDTH - 2)}`);
  if (failures.length > LIST_MAX)
    shown.push(`  ... and ${failures.length - LIST_MAX} more on the run page`);
  return shown;
}
