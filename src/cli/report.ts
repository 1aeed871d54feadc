import type { Command } from 'commander';
import { closeContext, openContext } from '../context.js';
import { BotError, EXIT } from '../errors.js';
import { composeRaw } from '../report/compose.js';
import { deliverOutbox } from '../report/deliver.js';
import { getRow, listOutbox, requeue } from '../report/outbox.js';
import { outboxItem, outboxLine } from '../report/outbox-view.js';
import { patchworkAccess } from '../report/patchwork-access.js';
import { previewCheck } from '../report/preview.js';
import type { CheckPost, EmailMessage, OutboxState } from '../report/types.js';
import { action, printJson } from './common.js';

const STATES = ['pending', 'sent', 'failed', 'skipped'];

export function registerReport(program: Command): void {
  const outbox = program
    .command('outbox')
    .description('reports waiting, sent, failed or skipped (newest first)')
    .option('--json', 'print JSON')
    .option('--state <state>', `only rows in this state (${STATES.join('|')})`)
    .option('--limit <n>', 'at most this many rows', '50')
    .action(
      action((flags: { json?: boolean; state?: string; limit: string }) => {
        if (flags.state && !STATES.includes(flags.state))
          throw new BotError('USAGE', `--state: one of ${STATES.join(', ')}`);
        const limit = Number.parseInt(flags.limit, 10);
        if (!(limit > 0)) throw new BotError('USAGE', '--limit: a positive number');
        return withContext(program, (ctx) => {
          const items = listOutbox(ctx.db, {
            state: flags.state as OutboxState | undefined,
            limit,
          }).map(outboxItem);
          if (flags.json) printJson(items);
          else
            process.stdout.write(
              items.length ? `${items.map(outboxLine).join('\n')}\n` : 'outbox is empty\n',
            );
          return EXIT.ok;
        });
      }),
    );

  outbox
    .command('show')
    .description('print one report exactly as it is (or was) sent')
    .argument('<id>', 'outbox row id')
    .action(
      action((id: string) =>
        withContext(program, async (ctx) => {
          const row = getRow(ctx.db, rowId(id));
          if (!row) throw new BotError('NOT_FOUND', `no outbox row ${id}`);
          const payload = JSON.parse(row.payload) as EmailMessage | CheckPost | null;
          if (!payload) process.stdout.write(`(nothing rendered: ${row.note ?? ''})\n`);
          else if (row.kind === 'email')
            process.stdout.write(await composeRaw(payload as EmailMessage));
          else
            process.stdout.write(
              `${previewCheck(patchworkAccess(ctx.config)?.apiUrl ?? '', payload as CheckPost)}\n`,
            );
          return EXIT.ok;
        }),
      ),
    );

  outbox
    .command('retry')
    .description('put a failed or skipped report back in the queue')
    .argument('<id>', 'outbox row id')
    .action(
      action((id: string) =>
        withContext(program, (ctx) => {
          if (!requeue(ctx.db, rowId(id), new Date()))
            throw new BotError('NOT_FOUND', `no failed or skipped outbox row ${id}`);
          process.stdout.write(`#${id} requeued\n`);
          return EXIT.ok;
        }),
      ),
    );

  program
    .command('send')
    .description('deliver the due reports once (emails and Patchwork checks)')
    .option('--dry-run', 'print exactly what would be sent; send nothing and change nothing')
    .option('--json', 'print the summary as JSON')
    .action(
      action((flags: { dryRun?: boolean; json?: boolean }) =>
        withContext(program, async (ctx) => {
          const dryRun = flags.dryRun || ctx.config.report.dryRun;
          const summary = await deliverOutbox(ctx, { dryRun, keep: flags.dryRun === true });
          if (flags.json) printJson(summary);
          else {
            const parts = Object.entries(summary).map(([k, v]) => `${k}=${v}`);
            process.stderr.write(`outbox: ${parts.join(' ')}\n`);
          }
          return summary.failed > 0 ? EXIT.infra : EXIT.ok;
        }),
      ),
    );
}

function rowId(text: string): number {
  const id = Number.parseInt(text, 10);
  if (!(id > 0) || String(id) !== text)
    throw new BotError('USAGE', `not an outbox row id: ${text}`);
  return id;
}

async function withContext<T>(
  program: Command,
  body: (ctx: ReturnType<typeof openContext>) => T | Promise<T>,
): Promise<T> {
  const ctx = openContext(program.opts());
  try {
    return await body(ctx);
  } finally {
    closeContext(ctx);
  }
}
