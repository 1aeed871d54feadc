import type { Command } from 'commander';
import { type AppContext, closeContext, openContext } from '../context.js';
import type { DaemonDeps } from '../daemon/deps.js';
import { runOnce } from '../daemon/once.js';
import { createSqliteQueue } from '../daemon/sqlite-queue.js';
import { realDeps } from '../daemon/wiring.js';
import { BotError, EXIT } from '../errors.js';
import { defaultStages } from '../pipeline/default-stages.js';
import type { Verdict } from '../verdict/verdict.js';
import { runPageUrl } from '../web/urls.js';
import { action, printJson } from './common.js';
import { resolveSeries } from './test/resolve-input.js';

interface TestFlags {
  tree?: string;
  profile?: string;
  dryRun?: boolean;
  json?: boolean;
}

const EXIT_FOR: Record<Verdict['verdict'], number> = {
  success: EXIT.ok,
  warning: EXIT.ok,
  failure: EXIT.failed,
  infra: EXIT.infra,
};

export function registerTest(program: Command): void {
  program
    .command('test')
    .argument('<series>', 'an mbox or .eml file, a Message-ID (from lore) or a Patchwork series id')
    .description('run the whole pipeline for one series in the foreground and report it')
    .option('--tree <tree>', 'apply to this tree instead of the routed one')
    .option('--profile <profile>', 'kernel config profile: minimal | selftests')
    .option('--dry-run', 'print the reply and the checks instead of sending them')
    .option('--json', 'print the verdict as JSON')
    .addHelpText(
      'after',
      '\nExit: 0 success or warning, 1 the series failed, 2 infrastructure, 64 usage.\n' +
        "Runs in the state dir's queue like `bpfci run --once`, without polling.",
    )
    .action(
      action(async (input: string, flags: TestFlags) => {
        const ctx = openContext(program.opts());
        try {
          applyFlags(ctx, flags);
          const seriesId = await resolveSeries(ctx, input);
          const deps = await testDeps(ctx, flags.tree);
          const dryRun = flags.dryRun ?? ctx.config.report.dryRun;
          await runOnce(ctx, deps, createSqliteQueue(ctx.db), { dryRun });
          const job = lastJob(ctx, seriesId);
          if (!job?.verdict) throw new BotError('INTERNAL', `series ${seriesId} has no verdict`);
          const url = runPageUrl(ctx.config.report.baseUrl, job.id);
          if (flags.json) printJson({ seriesId, jobId: job.id, url, verdict: job.verdict });
          else process.stdout.write(`${job.verdict.verdict}: ${job.verdict.summary}\n${url}\n`);
          return EXIT_FOR[job.verdict.verdict];
        } finally {
          closeContext(ctx);
        }
      }),
    );
}

function applyFlags(ctx: AppContext, flags: TestFlags): void {
  if (flags.profile) {
    if (flags.profile !== 'minimal' && flags.profile !== 'selftests') {
      throw new BotError('USAGE', `--profile: expected minimal or selftests, got ${flags.profile}`);
    }
    ctx.config.build.profile = flags.profile;
  }
  if (flags.tree && !ctx.config.trees[flags.tree]) {
    throw new BotError('USAGE', `--tree: unknown tree "${flags.tree}"`);
  }
}

/** The daemon's real collaborators, without polling: the series is already stored. */
async function testDeps(ctx: AppContext, tree?: string): Promise<DaemonDeps> {
  const stages: typeof defaultStages = tree
    ? { ...defaultStages, apply: (c, s, o) => defaultStages.apply(c, s, { ...o, tree }) }
    : defaultStages;
  const deps = await realDeps(ctx, { stages });
  return { ...deps, sources: { list: () => [], poll: async () => {} } };
}

/** A series has one job; testing it again reprints that job's verdict. */
function lastJob(ctx: AppContext, seriesId: number): { id: number; verdict?: Verdict } | undefined {
  const row = ctx.db
    .prepare<[number], { id: number; verdict: string | null }>(
      'SELECT id, verdict_json AS verdict FROM jobs WHERE series_id = ?',
    )
    .get(seriesId);
  if (!row) return undefined;
  return { id: row.id, verdict: row.verdict ? (JSON.parse(row.verdict) as Verdict) : undefined };
}
