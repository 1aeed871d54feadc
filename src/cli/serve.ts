import type { Command } from 'commander';
import { closeContext, openContext } from '../context.js';
import { EXIT } from '../errors.js';
import { startWebServer } from '../web/server.js';
import { action } from './common.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the read-only web page, JSON API and /metrics')
    .option('--host <host>', 'address to bind (default: web.host, 127.0.0.1)')
    .option('--port <port>', 'port (default: web.port; 0 picks a free one)', (v) =>
      Number.parseInt(v, 10),
    )
    .action(
      action(async (flags: { host?: string; port?: number }) => {
        const ctx = openContext(program.opts());
        const web = await startWebServer(
          ctx,
          flags.host ?? ctx.config.web.host,
          flags.port ?? ctx.config.web.port,
        );
        process.stdout.write(`listening on ${web.url}\n`);
        await new Promise<void>((resolve) => {
          process.once('SIGTERM', resolve);
          process.once('SIGINT', resolve);
        });
        await web.close();
        closeContext(ctx);
        return EXIT.ok;
      }),
    );
}
