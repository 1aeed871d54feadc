import { type Command, Option } from 'commander';
import { BotError, errorMessage, exitCodeFor } from '../errors.js';

/** --config, shared by every command that reads the config. */
export function configOption(): Option {
  return new Option(
    '-c, --config <file>',
    'config file (default: $BPFCI_CONFIG or config/example.yaml)',
  );
}

/**
 * Runs a command body and turns its outcome into the fixed exit codes:
 * 0 ok, 1 the thing tested failed, 2 infrastructure error, 64 usage or config error.
 */
export function action<A extends unknown[]>(
  body: (...args: A) => Promise<number | undefined> | number | undefined,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      process.exitCode = (await body(...args)) ?? 0;
    } catch (err) {
      const code = err instanceof BotError ? `${err.code}: ` : '';
      process.stderr.write(`bpfci: ${code}${errorMessage(err)}\n`);
      if (process.env.BPFCI_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
      process.exitCode = exitCodeFor(err);
    }
  };
}

export type CommandRegistrar = (program: Command) => void;

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
