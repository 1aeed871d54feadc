import type { Command } from 'commander';
import { closeContext, openContext } from '../context.js';
import { type Daemon, startDaemon } from '../daemon/daemon.js';
import { handleSignals } from '../daemon/lifecycle.js';
import { runOnce } from '../daemon/once.js';
import { createSqliteQueue } from '../daemon/sqlite-queue.js';
import { realDeps } from '../daemon/wiring.js';
import { EXIT } from '../errors.js';
import { type Coordinator, startCoordinator } from '../fleet/coordinator.js';
import { startWebServer, type WebServer } from '../web/server.js';
import { action, printJson } from './common.js';

interface RunFlags {
  once?: boolean;
  dryRun?: boolean;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run the daemon: poll the sources, run the queue, send the reports')
    .option('--once', 'poll every source once, run every job to its end, send the reports, exit')
    .option('--dry-run', 'print the emails and checks instead of sending them')
    .action(
      action(async (flags: RunFlags) => {
        const ctx = openContext(program.opts());
        const dryRun = flags.dryRun ?? false;
        // With a fleet, this daemon is its coordinator: jobs run on the workers.
        let fleet: Coordinator | undefined;
        try {
          fleet = ctx.config.fleet ? await startCoordinator(ctx) : undefined;
          const local = await realDeps(ctx);
          const deps = fleet ? { ...local, runJob: fleet.runJob } : local;
          const queue = fleet?.queue ?? createSqliteQueue(ctx.db);
          const limits = { dryRun, maxJobs: fleet?.maxJobs };
          if (flags.once) {
            const summary = await runOnce(ctx, deps, queue, limits);
            printJson(summary);
            // A report lost for good is an infrastructure failure cron must see.
            return summary.deliveryFailed > 0 ? EXIT.infra : EXIT.ok;
          }
          // Signals first: a SIGTERM while starting must stop the daemon, not kill it.
          let daemon: Daemon | undefined;
          let stopEarly = false;
          const unhook = handleSignals(ctx, {
            stop: async () => {
              stopEarly = true;
              await daemon?.stop();
            },
            reload: (config) => daemon?.reload(config),
          });
          daemon = startDaemon(ctx, deps, queue, limits);
          if (stopEarly) void daemon.stop();
          let web: WebServer | undefined;
          if (ctx.config.web.enabled) {
            web = await startWebServer(ctx, ctx.config.web.host, ctx.config.web.port);
          }
          ctx.log.info({ pid: process.pid, dryRun }, 'daemon started');
          await daemon.done;
          unhook();
          await web?.close();
          return EXIT.ok;
        } finally {
          await fleet?.close();
          closeContext(ctx);
        }
      }),
    );
}
