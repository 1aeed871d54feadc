import type { Command } from 'commander';
import { closeContext, openContext } from '../context.js';
import { BotError, EXIT } from '../errors.js';
import { importFiles } from '../series/import-files.js';
import { action, printJson } from './common.js';

interface ImportOptions {
  json?: boolean;
  maxSize?: string;
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('store mail from mbox (mboxo/mboxrd) or .eml files and assemble series')
    .addHelpText(
      'after',
      '\nEach message is printed as stored, duplicate or rejected (with the reason, also kept\n' +
        'in the DB). All files are imported in one transaction.\n' +
        'Exit 0 when nothing was rejected, 1 when some mail was rejected (the rest is kept),\n' +
        '2 on an infrastructure error, 64 on bad usage (e.g. a file that cannot be read).',
    )
    .argument('<files...>', 'mbox or .eml files')
    .option('--json', 'print the per-file summaries as JSON')
    .option('--max-size <bytes>', 'reject mail larger than this, unparsed (default 10485760)')
    .action(
      action((files: string[], options: ImportOptions) => {
        const maxMailBytes = options.maxSize === undefined ? undefined : Number(options.maxSize);
        if (maxMailBytes !== undefined && !(Number.isInteger(maxMailBytes) && maxMailBytes > 0)) {
          throw new BotError(
            'USAGE',
            `--max-size must be a positive integer, not ${options.maxSize}`,
          );
        }
        const ctx = openContext({ config: program.opts<{ config?: string }>().config });
        try {
          const results = importFiles({ ...ctx, maxMailBytes }, files);
          if (options.json) printJson(results);
          else for (const r of results) printFile(r.file, r.messages, r.summary);
          return results.some((r) => r.summary.rejected.length > 0) ? EXIT.failed : EXIT.ok;
        } finally {
          closeContext(ctx);
        }
      }),
    );
}

function printFile(
  file: string,
  count: number,
  s: ReturnType<typeof importFiles>[number]['summary'],
) {
  const out = [
    `${file}: ${count} message(s): ${s.stored.length} stored, ${s.duplicates.length} duplicate, ${s.rejected.length} rejected`,
    ...s.stored.map((id) => `  stored     <${id}>`),
    ...s.duplicates.map((id) => `  duplicate  <${id}>`),
    ...s.rejected.map(
      (r) => `  rejected   ${r.messageId ? `<${r.messageId}>` : '(no Message-ID)'}: ${r.reason}`,
    ),
  ];
  if (s.seriesTouched.length > 0)
    out.push(`  series     ${s.seriesTouched.map((id) => `#${id}`).join(' ')}`);
  process.stdout.write(`${out.join('\n')}\n`);
}
