import type { Command } from 'commander';
import { closeContext, openContext } from '../context.js';
import { recordPoll } from '../daemon/poll-stats.js';
import { BotError, type ErrorCode, EXIT } from '../errors.js';
import { formatSeriesLine } from '../series/format.js';
import { loadSeries } from '../series/store.js';
import { configuredPollers, pollAll } from '../sources/poll-all.js';
import type { PollReport } from '../sources/types.js';
import { action, printJson } from './common.js';

function line(r: PollReport): string {
  const parts = [
    `${r.source}:`,
    `${r.stored.length} new message(s)`,
    `${r.seriesTouched.length} series touched`,
  ];
  if (r.attached.length) parts.push(`patchwork ids on series ${r.attached.join(',')}`);
  if (r.duplicates) parts.push(`${r.duplicates} already known`);
  if (r.rejected) parts.push(`${r.rejected} rejected`);
  if (r.skipped.length) parts.push(`${r.skipped.length} skipped`);
  parts.push(`${r.requests} request(s)`);
  if (r.error) parts.push(`FAILED ${r.error.code}: ${r.error.message}`);
  return parts.join(' ');
}

export function registerPoll(program: Command): void {
  program
    .command('poll')
    .description('poll each configured source once and print what is new')
    .option('--source <name>', 'only this source (patchwork, lore or imap)')
    .option('--json', 'machine-readable output')
    .action(
      action(async (opts: { source?: string; json?: boolean }) => {
        const ctx = openContext(program.opts<{ config?: string }>());
        const pollers = configuredPollers(ctx.config, ctx.log);
        try {
          const reports = await pollAll(ctx, pollers, opts.source);
          for (const r of reports) {
            const err = r.error && new BotError(r.error.code as ErrorCode, r.error.message);
            recordPoll(ctx.db, r.source, new Date(), err);
          }
          if (opts.json) printJson(reports);
          else {
            for (const r of reports) process.stdout.write(`${line(r)}\n`);
            // Then the series that are new or changed, as `bpfci series list` shows them.
            const touched = [
              ...new Set(reports.flatMap((r) => [...r.seriesTouched, ...r.attached])),
            ];
            for (const id of touched.sort((a, b) => a - b)) {
              const s = loadSeries(ctx.db, id);
              if (s) process.stdout.write(`  ${formatSeriesLine(s)}\n`);
            }
          }
          // Every source failed: an infrastructure problem worth a non-zero exit.
          return reports.length > 0 && reports.every((r) => r.error) ? EXIT.infra : EXIT.ok;
        } finally {
          for (const p of pollers) await p.close?.();
          closeContext(ctx);
        }
      }),
    );
}
