import type { Command } from 'commander';
import { configPath, loadConfig } from '../config/load.js';
import { EXIT } from '../errors.js';
import { action } from './common.js';

export function registerCheckConfig(program: Command): void {
  program
    .command('check-config')
    .description('validate a config file (and the deny lists); exit 0 if valid, 64 if not')
    .argument('[file]', 'config file (default: --config, $BPFCI_CONFIG or config/example.yaml)')
    .action(
      action((file: string | undefined) => {
        const path = file ?? configPath(program.opts<{ config?: string }>().config);
        loadConfig(path);
        process.stdout.write(`${path}: ok\n`);
        return EXIT.ok;
      }),
    );
}
