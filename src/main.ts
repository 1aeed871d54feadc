#!/usr/bin/env node
import { Command } from 'commander';
import { registerApply } from './cli/apply.js';
import { registerBoot } from './cli/boot.js';
import { registerBuild } from './cli/build.js';
import { registerCheckConfig } from './cli/check-config.js';
import { configOption } from './cli/common.js';
import { registerImport } from './cli/import.js';
import { registerPoll } from './cli/poll.js';
import { registerReport } from './cli/report.js';
import { registerRetest } from './cli/retest.js';
import { registerRun } from './cli/run.js';
import { registerSeries } from './cli/series.js';
import { registerServe } from './cli/serve.js';
import { registerStatus } from './cli/status.js';
import { registerTest } from './cli/test.js';
import { registerWorker } from './cli/worker.js';
import { EXIT } from './errors.js';

// `bpfci … | head -1`: the reader is gone, so is the point of writing. Exit quietly
// with what the command decided so far instead of dying on an unhandled EPIPE.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(process.exitCode ?? EXIT.ok);
});

const program = new Command('bpfci')
  .description('CI bot for Linux BPF patch series')
  .addOption(configOption())
  .showHelpAfterError()
  .exitOverride((err) => {
    // commander's own exits: --help and --version are fine, everything else is usage.
    const ok = err.code === 'commander.helpDisplayed' || err.code === 'commander.version';
    process.exit(ok ? EXIT.ok : EXIT.usage);
  });

for (const register of [
  registerCheckConfig,
  registerImport,
  registerPoll,
  registerSeries,
  registerRun,
  registerWorker,
  registerStatus,
  registerRetest,
  registerServe,
  registerBuild,
  registerReport,
  registerBoot,
  registerTest,
  registerApply,
])
  register(program);

await program.parseAsync(process.argv);
