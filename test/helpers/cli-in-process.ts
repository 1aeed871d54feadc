import { Command } from 'commander';
import { vi } from 'vitest';
import { type CommandRegistrar, configOption } from '../../src/cli/common.js';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/**
 * Runs one bpfci command in this process (no build of dist/ needed): the registrar on
 * a fresh program, stdout and stderr captured, the exit code from process.exitCode.
 */
export async function runCliInProcess(register: CommandRegistrar, args: string[]): Promise<CliRun> {
  const program = new Command('bpfci').addOption(configOption()).exitOverride();
  register(program);
  const run: CliRun = { code: 0, out: '', err: '' };
  const capture = (key: 'out' | 'err') => (chunk: unknown) => {
    run[key] += String(chunk);
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture('out'));
  vi.spyOn(process.stderr, 'write').mockImplementation(capture('err'));
  process.exitCode = 0;
  try {
    await program.parseAsync(['node', 'bpfci', ...args]);
  } finally {
    vi.restoreAllMocks();
  }
  run.code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return run;
}
