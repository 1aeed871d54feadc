import { resolve } from 'node:path';
import type { Command } from 'commander';
import { BLACKLIST_DIR } from '../blacklist/ancestry.js';
import { validateBlacklistDir } from '../blacklist/load.js';
import { configPath, loadConfig } from '../config/load.js';
import { EXIT } from '../errors.js';
import { checkMatrix } from '../pipeline/matrix/check.js';
import { action } from './common.js';

export function registerCheckConfig(program: Command): void {
  program
    .command('check-config')
    .description('validate a config file (and the deny lists); exit 0 if valid, 64 if not')
    .argument('[file]', 'config file (default: --config, $BPFCI_CONFIG or config/example.yaml)')
    .option('--blacklists <dir>', 'deny/allow list directory to validate (default: blacklists/)')
    .action(
      action((file: string | undefined, flags: { blacklists?: string }) => {
        const path = file ?? configPath(program.opts<{ config?: string }>().config);
        const config = loadConfig(path);
        const lists = flags.blacklists ?? BLACKLIST_DIR;
        const matrix = checkMatrix(config, resolve(config.state.dir), lists);
        for (const p of matrix) process.stderr.write(`${p.level}: ${p.where}: ${p.message}\n`);
        if (matrix.some((p) => p.level === 'error')) return EXIT.usage;
        process.stdout.write(`${path}: ok\n`);
        const problems = validateBlacklistDir(lists);
        for (const p of problems) process.stderr.write(`${p.source}:${p.line}: ${p.message}\n`);
        if (problems.length) return EXIT.usage;
        process.stdout.write(`${lists}: ok\n`);
        return EXIT.ok;
      }),
    );
}
