import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { basename, dirname } from 'node:path';
import { execa } from 'execa';
import { BotError } from '../errors.js';
import { TailBuffer } from './tail.js';

export interface RunOptions {
  cwd?: string;
  /** The complete environment of the child: nothing is inherited implicitly. */
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  /** Full stdout+stderr is appended here; only a tail stays in memory. */
  logFile?: string;
  /** Aborting kills the whole process group. */
  signal?: AbortSignal;
  /** Called with each complete output line (progress reporting). */
  onLine?: (line: string) => void;
  tailBytes?: number;
  input?: string;
}

export interface RunResult {
  argv: string[];
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  cancelled: boolean;
  durationMs: number;
  stdoutTail: string;
  stderrTail: string;
  logFile?: string;
}

/** Variables every child may see; everything else must be passed explicitly. */
export function baseEnv(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: process.env.HOME ?? '/root',
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    TZ: 'UTC',
  };
}

const KILL_GRACE_MS = 5_000;

/**
 * Opt-in time accounting for `npm run bench` (the bot's overhead = wall time
 * minus time in make, git, qemu): while set, every finished child adds its
 * durationMs under its program's basename. Undefined (the default) costs nothing.
 */
export const processTimes: { byProgram?: Map<string, number> } = {};

/**
 * Runs argv without a shell. The child leads its own process group, so a timeout
 * or an abort kills everything it started (make's compilers, qemu's helpers),
 * first with SIGTERM, then SIGKILL after a grace period. A non-zero exit is a
 * result, not an exception; only a program that cannot be started throws.
 */
export async function runCommand(argv: string[], options: RunOptions = {}): Promise<RunResult> {
  const [file, ...args] = argv;
  if (!file) throw new BotError('INTERNAL', 'runCommand needs a program');
  const started = Date.now();
  const log = options.logFile ? openLog(options.logFile, argv) : undefined;
  const outTail = new TailBuffer(options.tailBytes ?? 16_384);
  const errTail = new TailBuffer(options.tailBytes ?? 16_384);
  const child = execa(file, args, {
    cwd: options.cwd,
    env: options.env ?? baseEnv(),
    extendEnv: false,
    detached: true,
    reject: false,
    buffer: false,
    stdin: options.input === undefined ? 'ignore' : 'pipe',
    input: options.input,
  });
  let timedOut = false;
  let cancelled = false;
  const killGroup = (): void => {
    if (!child.pid) return;
    signalGroup(child.pid, 'SIGTERM');
    setTimeout(() => child.pid && signalGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS).unref();
  };
  const timer = options.timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        killGroup();
      }, options.timeoutMs)
    : undefined;
  const onAbort = (): void => {
    cancelled = true;
    killGroup();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  const lines = lineSplitter(options.onLine);
  child.stdout?.on('data', (chunk: Buffer) => {
    outTail.push(chunk);
    log?.write(chunk);
    lines(chunk);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    errTail.push(chunk);
    log?.write(chunk);
    lines(chunk);
  });
  const result = await child;
  if (timer) clearTimeout(timer);
  options.signal?.removeEventListener('abort', onAbort);
  // Whatever the leader left behind in its group must not outlive it.
  if (child.pid) signalGroup(child.pid, 'SIGKILL');
  await closeLog(log);
  const durationMs = Date.now() - started;
  const times = processTimes.byProgram;
  if (times) times.set(basename(file), (times.get(basename(file)) ?? 0) + durationMs);
  if (
    result.failed &&
    result.exitCode === undefined &&
    !result.signal &&
    result.code === 'ENOENT'
  ) {
    throw new BotError('EXEC_MISSING', `program not found: ${file}`);
  }
  return {
    argv,
    exitCode: result.exitCode ?? null,
    signal: result.signal ?? null,
    timedOut,
    cancelled,
    durationMs,
    stdoutTail: outTail.toString(),
    stderrTail: errTail.toString(),
    logFile: options.logFile,
  };
}

/** Runs argv and throws EXEC_FAILED / EXEC_TIMEOUT unless it exits 0. */
export async function runChecked(argv: string[], options: RunOptions = {}): Promise<RunResult> {
  const result = await runCommand(argv, options);
  if (result.timedOut) throw new BotError('EXEC_TIMEOUT', `${argv[0]} timed out`);
  if (result.exitCode !== 0) {
    const tail = (result.stderrTail || result.stdoutTail).trim().split('\n').slice(-5).join('\n');
    throw new BotError('EXEC_FAILED', `${argv.join(' ')} exited ${result.exitCode}: ${tail}`);
  }
  return result;
}

function signalGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    // The group is already gone.
  }
}

function openLog(path: string, argv: string[]): WriteStream {
  mkdirSync(dirname(path), { recursive: true });
  const stream = createWriteStream(path, { flags: 'a' });
  stream.write(`$ ${argv.map((a) => JSON.stringify(a)).join(' ')}\n`);
  return stream;
}

function closeLog(stream: WriteStream | undefined): Promise<void> {
  return new Promise((resolve) => (stream ? stream.end(resolve) : resolve()));
}

function lineSplitter(onLine?: (line: string) => void): (chunk: Buffer) => void {
  if (!onLine) return () => {};
  let rest = '';
  return (chunk) => {
    const parts = (rest + chunk.toString('utf8')).split('\n');
    rest = parts.pop() ?? '';
    for (const line of parts) onLine(line);
  };
}
