import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/, from src/lab (tests) or dist/lab (the bench): the built CLI and modules. */
export const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist');

/** A CLI process of the lab, its output kept in memory. */
export interface LabProcess {
  child: ChildProcess;
  stderr: () => string;
  stdout: () => string;
  exit: Promise<number | null>;
}

/** `bpfci --config <configFile> <args>` of the built CLI, logging at info, its output kept. */
export function spawnBpfci(
  configFile: string,
  args: string[],
  env: Record<string, string>,
): LabProcess {
  const child = spawn(process.execPath, [join(DIST, 'main.js'), '--config', configFile, ...args], {
    env: { ...process.env, BPFCI_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    err += c.toString();
  });
  const exit = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  return { child, stderr: () => err, stdout: () => out, exit };
}

/** Resolves once a lab process has logged `msg` (a pino line's msg); fails with its log. */
export async function logged(p: LabProcess, msg: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!p.stderr().includes(`"msg":"${msg}`)) {
    if (p.child.exitCode !== null || Date.now() > end)
      throw new Error(`never logged "${msg}":\n${p.stderr().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
