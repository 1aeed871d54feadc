import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { stringify } from 'yaml';
import { type LabProcess, spawnBpfci } from '../../src/lab/cli-process.js';

export const MAIN = resolve('dist/main.js');

export function requireBuild(): void {
  if (!existsSync(MAIN)) throw new Error('dist/main.js is missing: run `npm run build` first');
}

export interface DaemonSetup {
  dir: string;
  stateDir: string;
  configFile: string;
  trace: string;
  pipeline: string;
}

/**
 * A state dir, a config and a cheap test pipeline (BPFCI_TEST_PIPELINE): each job
 * runs a real `sleep` through runCommand in its own process group, then returns a
 * verdict (odd series fail). `pipelineBody` replaces the sleep for special cases.
 */
export function daemonSetup(config: Record<string, unknown>, sleepArgv?: string): DaemonSetup {
  const dir = mkdtempSync(join(tmpdir(), 'bpfci-e2e-daemon-'));
  const stateDir = join(dir, 'state');
  const configFile = join(dir, 'config.yaml');
  const trace = join(dir, 'trace.log');
  const pipeline = join(dir, 'pipeline.mjs');
  writeConfig(configFile, { state: { dir: stateDir }, ...config });
  const run = resolve('dist/exec/run.js');
  const argv = sleepArgv ?? `['sleep', (0.1 + Math.random() * 0.6).toFixed(2)]`;
  writeFileSync(
    pipeline,
    `import { appendFileSync } from 'node:fs';
import { runCommand } from ${JSON.stringify(run)};
export async function runJob(ctx, job, io) {
  appendFileSync(${JSON.stringify(trace)}, 'start ' + job.id + ' ' + process.pid + '\\n');
  const r = await runCommand(${argv}, { signal: io.signal, logFile: ${JSON.stringify(join(dir, 'runs'))} + '/' + job.id + '/build.log' });
  if (r.cancelled) throw new Error('cancelled');
  const v = job.seriesId % 2 ? 'failure' : 'success';
  const failures = v === 'failure' ? [{ suite: 'test_progs', name: 'fake/new_test', class: 'new', excerpt: 'boom' }] : [];
  return { verdict: { verdict: v, summary: 'test pipeline: ' + v, failures, extraRuns: 0,
    build: [{ status: 'pass', target: 'kernel', durationMs: 1200, warnings: 0, newWarnings: [], compiled: 3, logPath: r.logFile }] } };
}
`,
  );
  return { dir, stateDir, configFile, trace, pipeline };
}

export function writeConfig(file: string, config: Record<string, unknown>): void {
  const base = {
    version: 1,
    trees: {
      bpf: { upstream: '/nonexistent/bpf' },
      'bpf-next': { upstream: '/nonexistent/bpf-next' },
    },
    routing: { default: 'bpf-next', tags: { bpf: 'bpf', 'bpf-next': 'bpf-next' } },
  };
  writeFileSync(file, stringify({ ...base, ...config }));
}

/** A CLI process with its output kept (the lab's, shared with the fleet and the bench). */
export type Spawned = LabProcess;

export function spawnCli(
  setup: DaemonSetup,
  args: string[],
  env: Record<string, string> = {},
): Spawned {
  return spawnBpfci(setup.configFile, args, { BPFCI_TEST_PIPELINE: setup.pipeline, ...env });
}

/** The report section of a daemon config that mails every verdict to a local SMTP port. */
export function mailEveryVerdict(smtpPort: number): Record<string, unknown> {
  return {
    baseUrl: 'http://127.0.0.1:8080',
    dryRun: false,
    email: {
      from: 'bpfci <bpfci@example.org>',
      smtp: { host: '127.0.0.1', port: smtpPort, tls: 'none' },
      policy: 'always',
    },
  };
}

/** An in-process SMTP server that records the Message-ID of every accepted mail. */
export async function startSmtp(): Promise<{
  port: number;
  ids: string[];
  close: () => Promise<void>;
}> {
  const ids: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, done) {
      let raw = '';
      stream.on('data', (c: Buffer) => {
        raw += c.toString();
      });
      stream.on('end', () => {
        const m = raw.match(/^Message-ID:\s*(<[^>]+>)/im);
        ids.push(m?.[1] ?? '(none)');
        done();
      });
    },
  });
  // A client killed mid-session resets its connection: expected in crash tests.
  server.on('error', () => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as { port: number }).port;
  return { port, ids, close: () => new Promise((r) => server.close(() => r())) };
}
