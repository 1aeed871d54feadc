import type { Command } from 'commander';
import { closeContext, openContext } from '../context.js';
import { realDeps } from '../daemon/wiring.js';
import { EXIT } from '../errors.js';
import { runFleetWorker } from '../fleet/worker-process.js';
import { action } from './common.js';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run as a fleet worker: take jobs from the engine, run them here, report home')
    .action(
      action(async () => {
        const ctx = openContext(program.opts());
        const stop = new AbortController();
        const onStop = (signal: NodeJS.Signals): void => {
          ctx.log.info({ signal }, 'stop requested');
          stop.abort(signal);
        };
        process.on('SIGTERM', onStop);
        process.on('SIGINT', onStop);
        try {
          const { runJob } = await realDeps(ctx);
          await runFleetWorker(ctx, runJob, stop.signal);
          return EXIT.ok;
        } finally {
          process.off('SIGTERM', onStop);
          process.off('SIGINT', onStop);
          closeContext(ctx);
        }
      }),
    );
}
