import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { type AppContext, closeContext, openContext } from '../context.js';
import { BotError, EXIT } from '../errors.js';
import { formatApplyResult } from '../pipeline/apply/format.js';
import { seriesForApply } from '../pipeline/apply/from-store.js';
import { applyRouted } from '../pipeline/apply/route.js';
import { readMailFile } from '../series/import-files.js';
import { ingestMessages } from '../series/ingest.js';
import { seriesByRef } from '../series/rows.js';
import { loadSeries } from '../series/store.js';
import { fetchTree } from '../trees/fetch.js';
import type { ApplyResult } from '../verdict/stages.js';
import { action, printJson } from './common.js';

interface ApplyOptions {
  tree?: string;
  json?: boolean;
  fetch?: boolean;
}

/** Exit codes: the series applied (or is already upstream) 0, it did not 1, infrastructure 2. */
export function applyExitCode(r: ApplyResult): number {
  return r.status === 'pass' || r.status === 'already-applied' ? EXIT.ok : EXIT.failed;
}

export function registerApply(program: Command): void {
  program
    .command('apply')
    .description(
      "apply a series in its tree's lane and print the result (exit 0 applied, 1 not, 2 infra)",
    )
    .argument('<series>', 'a series id, or mbox / .patch / .eml files or directories of them')
    .argument('[more...]', 'more mail files of the same series')
    .option('--tree <name>', 'apply to this tree (no routing, no fallback)')
    .option('--fetch', 'fetch the trees from upstream first (default: only trees never fetched)')
    .option('--json', 'print the result as JSON')
    .action(
      action(async (first: string, more: string[], options: ApplyOptions) => {
        const ctx = openContext({ config: program.opts<{ config?: string }>().config });
        try {
          const id =
            /^\d+$/.test(first) && more.length === 0
              ? Number(first)
              : ingestFiles(ctx, [first, ...more]);
          const stored = loadSeries(ctx.db, id);
          if (!stored) throw new BotError('NOT_FOUND', `no series #${id}`);
          if (options.fetch) {
            for (const tree of options.tree ? [options.tree] : Object.keys(ctx.config.trees))
              await fetchTree(ctx, tree);
          }
          const { result, lane } = await applyRouted(ctx, seriesForApply(stored), {
            tree: options.tree,
            jobId: `cli-apply-${id}`,
          });
          await lane.release();
          if (options.json) printJson({ seriesId: id, worktree: lane.worktree, ...result });
          else
            process.stdout.write(
              `series #${id} ${stored.name} v${stored.version}\n${formatApplyResult(result)}`,
            );
          return applyExitCode(result);
        } finally {
          closeContext(ctx);
        }
      }),
    );
}

/** Stores the mail (once; a second run finds the same series) and returns its series id. */
function ingestFiles(ctx: AppContext, paths: string[]): number {
  const files = paths.flatMap((p) => {
    if (!statSync(p, { throwIfNoEntry: false })?.isDirectory()) return [p];
    return readdirSync(p)
      .filter((f) => /\.(patch|mbox|eml)$/.test(f))
      .sort()
      .map((f) => join(p, f));
  });
  if (files.length === 0) throw new BotError('USAGE', `no mail files in ${paths.join(', ')}`);
  const summary = ingestMessages(ctx, files.flatMap(readMailFile), 'cli-apply');
  const ids = new Set(summary.seriesTouched);
  for (const mid of [...summary.stored, ...summary.duplicates]) {
    for (const s of seriesByRef(ctx.db, mid)) ids.add(s.id);
  }
  const newest = Math.max(...ids);
  if (ids.size === 0) {
    const why = summary.rejected.map((r) => r.reason).join('; ');
    throw new BotError('USAGE', `no patch series in ${paths.join(', ')}${why ? `: ${why}` : ''}`);
  }
  if (ids.size > 1)
    ctx.log.warn({ series: [...ids] }, 'mail holds several series; applying the newest');
  return newest;
}
