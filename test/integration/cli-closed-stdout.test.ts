import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAIN, requireBuild, writeConfig } from '../helpers/daemon-cli.js';

/**
 * Runs the built CLI with a stdout whose reader is already gone (`bpfci … | head -1`
 * once head has exited): the read end is closed before node even starts, so the
 * first write gets EPIPE every time, not only when a race is lost.
 */
function runWithClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [MAIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, BPFCI_LOG_LEVEL: 'error' },
  });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

describe('the CLI with a closed stdout', () => {
  let config: string;
  beforeAll(() => {
    requireBuild();
    const dir = mkdtempSync(join(tmpdir(), 'bpfci-epipe-'));
    config = join(dir, 'config.yaml');
    writeConfig(config, { state: { dir: join(dir, 'state') } });
  });

  const commands: [string, () => string[]][] = [
    ['check-config', () => ['check-config', config]],
    ['status', () => ['--config', config, 'status']],
    ['status --json', () => ['--config', config, 'status', '--json']],
    ['outbox', () => ['--config', config, 'outbox']],
    ['series list', () => ['--config', config, 'series', 'list']],
    ['--help', () => ['--help']],
  ];

  for (const [name, args] of commands) {
    it(`${name} exits quietly instead of dying on EPIPE`, async () => {
      const { code, stderr } = await runWithClosedStdout(args());
      expect(stderr).not.toMatch(/EPIPE|Unhandled|at .*\.js:\d+/);
      expect(code).toBe(0);
    });
  }
});
