import type { Command } from 'commander';
import { closeContext, openContext } from '../context.js';
import { BotError, EXIT } from '../errors.js';
import { formatSeriesDetail, formatSeriesLine } from '../series/format.js';
import { listSeries, loadSeries } from '../series/store.js';
import { action, printJson } from './common.js';
import { seriesResults } from './series/results.js';

interface ListOptions {
  json?: boolean;
  current?: boolean;
  complete?: boolean;
}

export function registerSeries(program: Command): void {
  const series = program.command('series').description('show assembled patch series');
  const config = () => program.opts<{ config?: string }>().config;

  series
    .command('list')
    .description('list series revisions, newest first')
    .option('--json', 'print as JSON')
    .option('--current', 'only revisions no newer revision supersedes')
    .option('--complete', 'only series with all their patches')
    .action(
      action((options: ListOptions) => {
        const ctx = openContext({ config: config() });
        try {
          const all = listSeries(ctx.db, {
            ...(options.current && { current: true }),
            ...(options.complete && { complete: true }),
          });
          if (options.json) printJson(all);
          else process.stdout.write(all.map((s) => `${formatSeriesLine(s)}\n`).join(''));
          return EXIT.ok;
        } finally {
          closeContext(ctx);
        }
      }),
    );

  series
    .command('show')
    .description('show one series revision: its patches, trailers and links')
    .argument('<id>', 'series id (from `bpfci series list`)')
    .option('--json', 'print as JSON')
    .action(
      action((id: string, options: { json?: boolean }) => {
        if (!/^\d+$/.test(id)) throw new BotError('USAGE', `series id must be a number, not ${id}`);
        const ctx = openContext({ config: config() });
        try {
          const s = loadSeries(ctx.db, Number(id));
          if (!s) throw new BotError('NOT_FOUND', `no series #${id}`);
          // Testing results (judge): verdict, failures with class and guilty patch, baseline run.
          if (options.json) printJson({ ...s, results: seriesResults(ctx.db, s.id, s.patches) });
          else process.stdout.write(formatSeriesDetail(s));
          return EXIT.ok;
        } finally {
          closeContext(ctx);
        }
      }),
    );
}
