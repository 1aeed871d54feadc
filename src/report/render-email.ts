import { BotError } from '../errors.js';
import type { ReportContext } from './context.js';
import {
  buildSection,
  conflictSection,
  crashSection,
  fixedSection,
  growthSection,
  newFailuresSection,
  notCausedSection,
  versionDiffSection,
} from './email-sections.js';
import { olderKernelRows } from './older-kernels.js';
import { retrySentence } from './retry-text.js';
import { stageLines } from './stages.js';
import { field, oneLine, WIDTH, wrap } from './text.js';
import type { EmailMessage } from './types.js';

const STATE_WORD = { success: 'pass', fail: 'FAIL', warning: 'warn' } as const;
const PATCH_LIST_MAX = 20;

/** Renders the reply (headers and plain-text body). Pure: same context, same bytes. */
export function renderEmail(ctx: ReportContext): EmailMessage {
  const env = ctx.email;
  if (!env || !ctx.reply)
    throw new BotError('INTERNAL', 'renderEmail needs an email envelope and a reply target');
  return {
    messageId: env.messageId,
    from: env.from,
    to: env.to,
    cc: env.cc,
    subject: ctx.reply.subject,
    inReplyTo: ctx.reply.messageId,
    references: ctx.reply.references,
    date: env.date,
    text: renderBody(ctx),
  };
}

export function renderBody(ctx: ReportContext): string {
  const sections: string[][] = [
    [greeting(ctx.series.submitter.name)],
    wrap(intro(ctx)),
    retestNote(ctx),
    headerBlock(ctx),
    testedPatches(ctx),
    results(ctx),
    conflictSection(ctx),
    buildSection(ctx),
    crashSection(ctx),
    newFailuresSection(ctx),
    notCausedSection(ctx),
    growthSection(ctx),
    fixedSection(ctx),
    versionDiffSection(ctx),
    reproduce(ctx),
    trailers(ctx),
  ];
  const body = sections.filter((s) => s.length > 0).map((s) => s.join('\n'));
  const footer = [
    '-- ',
    ...wrap('bpfci, an automated CI bot for BPF patch series. Full logs and artifacts:'),
    ctx.runUrl,
    // The bot ignores its own mail, so the line it quotes here never retests by itself.
    ...(ctx.mailRetest
      ? [
          '',
          ...wrap('A maintainer can ask for a retest by replying with this line:'),
          '',
          '    bpfci: retest',
        ]
      : []),
  ];
  return `${[...body, footer.join('\n')].join('\n\n')}\n`;
}

/** A retest says so: the thread may hold the first run's reply with another result. */
function retestNote(ctx: ReportContext): string[] {
  const r = ctx.retest;
  return r ? wrap(`This is retest ${r.n} of this revision (${oneLine(r.trigger, 100)}).`) : [];
}

function greeting(name: string): string {
  const first = oneLine(name, 40)
    .split(' ')[0]
    ?.replace(/[^\p{L}\p{N}'.-]/gu, '');
  return first ? `Hi ${first},` : 'Hello,';
}

function intro(ctx: ReportContext): string {
  const v = ctx.verdict;
  if (v.verdict === 'infra') {
    return `bpfci could not finish testing this series because of a problem on its side (${oneLine(v.summary, 120)}). This is not a problem in the series. ${retrySentence(ctx.retry)}`;
  }
  if (v.verdict === 'success') return 'bpfci tested this series and found no problem caused by it.';
  if (v.verdict === 'warning' && v.failures.some((f) => f.class !== 'fixed')) {
    return 'bpfci tested this series. Some tests failed, but they fail without the series too or are flaky, so they are not caused by it.';
  }
  if (v.verdict === 'warning' && v.growth?.length) {
    return 'bpfci tested this series and found no test failure caused by it, but the verifier does more work on some programs with it.';
  }
  if (v.verdict === 'warning') return `bpfci tested this series: ${oneLine(v.summary, 200)}.`;
  if (v.apply?.status === 'conflict') return 'bpfci could not apply this series.';
  if (v.build?.some((b) => b.status === 'fail'))
    return 'bpfci found that this series breaks the build.';
  if (v.boot?.status === 'crash') return 'bpfci found a kernel crash with this series applied.';
  return 'bpfci found test failures caused by this series.';
}

function headerBlock(ctx: ReportContext): string[] {
  const s = ctx.series;
  const base = ctx.baseSha ? `${ctx.tree}, base ${ctx.baseSha.slice(0, 12)}` : ctx.tree;
  const reason = ctx.verdict.apply?.baseReason;
  return [
    ...field('Series', oneLine(s.name, 300)),
    ...field(
      'Version',
      `v${s.version}, ${s.patches.length} patch${s.patches.length === 1 ? '' : 'es'}`,
    ),
    ...field('Tree', reason ? `${base} (${reason})` : base),
    ...field('Arch', ctx.arch),
    ...field('Verdict', ctx.verdict.verdict.toUpperCase()),
    ...field('Run', ctx.runUrl),
  ];
}

function testedPatches(ctx: ReportContext): string[] {
  const patches = [...ctx.series.patches].sort((a, b) => a.index - b.index);
  const shown = patches
    .slice(0, PATCH_LIST_MAX)
    .flatMap((p) => wrap(oneLine(p.subject, 300), WIDTH, '  ', '    '));
  if (patches.length > PATCH_LIST_MAX)
    shown.push(`  ... and ${patches.length - PATCH_LIST_MAX} more`);
  return ['Tested patches:', ...shown];
}

function results(ctx: ReportContext): string[] {
  const lines = stageLines(ctx);
  const own = lines.filter((l) => !l.kernel);
  const rows = [...own, ...olderKernelRows(lines)].flatMap((l) =>
    wrap(
      l.summary,
      WIDTH,
      `  ${l.label.padEnd(20).slice(0, 20)} ${STATE_WORD[l.state]}  `,
      ' '.repeat(29),
    ),
  );
  return ['Results:', ...rows];
}

function reproduce(ctx: ReportContext): string[] {
  const id = ctx.series.coverMessageId ?? ctx.series.patches.at(-1)?.messageId;
  if (!id || ctx.verdict.verdict === 'infra') return [];
  const bare = id.trim().replace(/^<|>$/g, '');
  return [
    'To reproduce:',
    ...wrap(`bpfci test ${shellWord(bare)} --tree ${shellWord(ctx.tree)}`, WIDTH, '  ', '    '),
  ];
}

/** Quotes a word for a human to paste into a shell (ids come from mail: untrusted). */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9._@+=:,%/-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function trailers(ctx: ReportContext): string[] {
  const env = ctx.email;
  // A conflict is fixed by a new version, never by a separate commit: no tags then.
  const conflict = ctx.verdict.apply?.status === 'conflict';
  if (ctx.verdict.verdict !== 'failure' || conflict || !env || (!env.reportedBy && !env.closesUrl))
    return [];
  const tags = [
    ...(env.reportedBy ? [`| Reported-by: ${env.reportedBy}`] : []),
    ...(env.closesUrl ? [`| Closes: ${env.closesUrl}`] : []),
  ];
  return [
    ...wrap(
      'If you fix the issue in a separate patch/commit (i.e. not just a new version of the same patch/commit), kindly add following tags',
    ),
    ...tags,
  ];
}
