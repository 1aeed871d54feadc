import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { type AppContext, closeContext, openContext } from '../context.js';
import { BotError, EXIT } from '../errors.js';
import { mboxrdEntry, splitMbox } from '../mail/mbox.js';
import { parseSubject } from '../mail/subject.js';
import { applyRouted } from '../pipeline/apply/route.js';
import type { SeriesForApply } from '../pipeline/apply/series-input.js';
import { buildStage, type StageBuild } from '../pipeline/build/stage.js';
import type { BuildProfile } from '../pipeline/build/target.js';
import { readPatchMbox } from '../series/patch-mbox.js';
import { loadSeries } from '../series/store.js';
import type { ApplyResult } from '../verdict/stages.js';
import { action, printJson } from './common.js';
import { progressPrinter } from './progress.js';

interface BuildFlags {
  profile?: BuildProfile;
  json?: boolean;
  src?: string;
  buildDir?: string;
  tree?: string;
}

export function registerBuild(program: Command): void {
  program
    .command('build')
    .argument('[series]', 'a series id from the store, or an mbox file of patches')
    .description('apply a series in its lane and build the kernel and the selftests (foreground)')
    .option('--profile <profile>', 'minimal | selftests (default: build.profile)')
    .option('--tree <tree>', 'apply to this tree (default: routing)')
    .option('--src <dir>', 'build this kernel tree as it is, without applying anything')
    .option('--build-dir <dir>', 'with --src: the build dir (default: <src>/../build)')
    .option('--json', 'print the verdict as JSON')
    .action(
      action(async (series: string | undefined, flags: BuildFlags) => {
        const profile = parseProfile(flags.profile);
        if (!series && !flags.src)
          throw new BotError('USAGE', 'give a series id, an mbox file or --src <dir>');
        const ctx = openContext(program.opts());
        const controller = new AbortController();
        const stop = () => controller.abort();
        process.once('SIGINT', stop);
        try {
          const logDir = join(ctx.stateDir, 'runs', `cli-build-${Date.now()}`);
          const onProgress = flags.json ? undefined : progressPrinter(process.stderr);
          const opts = { logDir, profile, signal: controller.signal, onProgress };
          let apply: ApplyResult | undefined;
          let built: StageBuild;
          if (flags.src) {
            const src = resolve(flags.src);
            const lane = {
              worktree: src,
              buildDir: resolve(flags.buildDir ?? join(src, '..', 'build')),
              ccacheDir: ccacheOf(ctx),
            };
            built = await buildStage(ctx, lane, opts);
          } else {
            const routed = await applyRouted(ctx, seriesInput(ctx, series as string), {
              tree: flags.tree,
            });
            apply = routed.result;
            try {
              if (apply.status !== 'pass') return report({ apply }, flags, EXIT.failed);
              built = await buildStage(ctx, routed.lane, { ...opts, baseSha: apply.baseSha });
            } finally {
              await routed.lane.release();
            }
          }
          if (onProgress && process.stderr.isTTY) process.stderr.write('\n');
          const ok = built.results.every((r) => r.status === 'pass');
          return report({ apply, ...built }, flags, ok ? EXIT.ok : EXIT.failed);
        } finally {
          process.off('SIGINT', stop);
          closeContext(ctx);
        }
      }),
    );
}

function parseProfile(p: string | undefined): BuildProfile | undefined {
  if (p === undefined || p === 'minimal' || p === 'selftests') return p;
  throw new BotError('USAGE', `--profile must be minimal or selftests, not "${p}"`);
}

function ccacheOf(ctx: AppContext): string {
  return resolve(ctx.config.build.ccacheDir ?? join(ctx.stateDir, 'ccache'));
}

/** A stored series (all digits) or an mbox file, as the apply stage wants it. */
function seriesInput(ctx: AppContext, arg: string): SeriesForApply {
  if (/^\d+$/.test(arg)) {
    const s = loadSeries(ctx.db, Number(arg));
    if (!s) throw new BotError('NOT_FOUND', `no series ${arg}`);
    return {
      ...(s.treeTag && { treeTag: s.treeTag }),
      ...(s.baseCommit && { baseCommit: s.baseCommit }),
      patches: s.patches
        .filter((p) => p.index >= 1)
        .map((p) => ({
          index: p.index,
          subject: parseSubject(p.subject).subject,
          mbox: readPatchMbox({ ...s, patches: [p] }, p.index),
        })),
    };
  }
  if (!existsSync(arg)) throw new BotError('NOT_FOUND', `no series id or mbox file "${arg}"`);
  const mails = splitMbox(readFileSync(arg));
  const patches = mails
    .map((mbox) => ({
      mbox,
      info: parseSubject(/^Subject: (.*)$/m.exec(mbox.toString('utf8'))?.[1]),
    }))
    .filter((m) => m.info.patch && m.info.index !== 0);
  if (patches.length === 0) throw new BotError('USAGE', `${arg} holds no patches`);
  return {
    ...(patches[0]?.info.treeTag && { treeTag: patches[0].info.treeTag }),
    patches: patches.map((p, i) => ({
      index: i + 1,
      subject: p.info.subject,
      mbox: mboxrdEntry(p.mbox),
    })),
  };
}

function report(
  verdict: {
    apply?: ApplyResult;
    results?: StageBuild['results'];
    kernelImage?: string;
    selftestsDir?: string;
  },
  flags: BuildFlags,
  code: number,
): number {
  if (flags.json) {
    printJson(verdict);
    return code;
  }
  if (verdict.apply && verdict.apply.status !== 'pass') {
    process.stdout.write(`apply: ${verdict.apply.status}: ${verdict.apply.reason ?? ''}\n`);
  }
  for (const r of verdict.results ?? []) {
    const where = r.firstError
      ? ` — ${r.firstError.file ?? ''}${r.firstError.line ? `:${r.firstError.line}` : ''} ${r.firstError.message}`
      : '';
    process.stdout.write(
      `${r.target}: ${r.status} in ${(r.durationMs / 1000).toFixed(1)} s, ${r.compiled} compiled, ${r.warnings} warnings (${r.newWarnings.length} new)${where}\n`,
    );
    for (const w of r.newWarnings) process.stdout.write(`  new warning: ${w}\n`);
    if (r.logPath) process.stdout.write(`  log: ${r.logPath}\n`);
  }
  return code;
}
