import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { type AppContext, closeContext, openContext } from '../context.js';
import { createSqliteQueue } from '../daemon/sqlite-queue.js';
import { BotError, EXIT } from '../errors.js';
import { normalizeMessageId } from '../mail/message-id.js';
import { action, printJson } from './common.js';

/**
 * `bpfci retest <series>`: queues the tested revision again, for a flaky run or a
 * fixed host. The daemon runs it like any job; the old runs stay on the series page.
 */
export function registerRetest(program: Command): void {
  program
    .command('retest')
    .argument(
      '<series>',
      'a series id, a Message-ID of one of its mails, or pw:<Patchwork series id>',
    )
    .description('queue a new run of a series revision that was tested already')
    .option('--json', 'print the queued job as JSON')
    .action(
      action((input: string, flags: { json?: boolean }) => {
        const ctx = openContext(program.opts());
        try {
          const seriesId = seriesOf(ctx, input);
          const who = `retest by ${userInfo().username} (bpfci retest)`;
          const job = createSqliteQueue(ctx.db).retest(seriesId, who, new Date());
          if (!job) throw new BotError('USAGE', notRetestable(ctx, seriesId));
          if (flags.json) printJson(job);
          else process.stdout.write(`series ${seriesId}: job ${job.id} queued (${job.trigger})\n`);
          return EXIT.ok;
        } finally {
          closeContext(ctx);
        }
      }),
    );
}

function seriesOf(ctx: AppContext, input: string): number {
  const one = (sql: string, key: string | number) =>
    ctx.db.prepare<{ key: string | number }, { id: number }>(sql).get({ key })?.id;
  const pw = /^pw:(\d+)$/.exec(input);
  const id = /^\d+$/.test(input)
    ? one('SELECT id FROM series WHERE id = @key', Number(input))
    : pw
      ? one('SELECT id FROM series WHERE patchwork_id = @key', Number(pw[1]))
      : one(
          `SELECT series_id AS id FROM series_patches WHERE message_id = @key
           UNION SELECT id FROM series WHERE cover_message_id = @key ORDER BY id DESC`,
          normalizeMessageId(input) ?? '',
        );
  if (id === undefined) throw new BotError('NOT_FOUND', `${input}: no such series in the store`);
  return id;
}

function notRetestable(ctx: AppContext, seriesId: number): string {
  const state = ctx.db
    .prepare<[number], { state: string }>('SELECT state FROM jobs WHERE series_id = ?')
    .get(seriesId)?.state;
  return state
    ? `series ${seriesId} is ${state} already: it will run without a retest`
    : `series ${seriesId} has never been queued (incomplete, or superseded): nothing to retest`;
}
