import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runChecked } from '../exec/run.js';

/** The repository root, from src/lab (tests) or dist/lab (the demo). */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const LORE_MAILS = join(ROOT, 'test', 'fixtures', 'lore', 'mails');

export interface PublicInbox {
  /** Temp dir holding config, inbox, emergency dir and logs (removed by stop()). */
  dir: string;
  /** Inbox URL with trailing slash: `http://127.0.0.1:PORT/bpf/`. */
  url: string;
  imap: { host: string; port: number; mailbox: string };
  nntp: { host: string; port: number; group: string };
  /** Seeds like a mirror: pi-import.pl, one process, no MDA checks (fast). */
  importMails(raws: Array<Buffer | string>): Promise<void>;
  /** Delivers like the list's MTA: one public-inbox-mda per message; throws if refused. */
  deliver(raw: Buffer | string): Promise<void>;
  stop(): Promise<void>;
}

export interface PublicInboxOptions {
  /** .eml / mboxrd files imported before the server starts. */
  seedFiles?: string[];
  /** 'full' enables search (?q=); 'basic' is faster but every search answers 501. */
  indexLevel?: 'full' | 'basic';
}

/**
 * A real public-inbox (v2 inbox `bpf`, newsgroup org.kernel.vger.bpf) served by
 * public-inbox-netd on free loopback ports (HTTP, IMAP, NNTP), in a temp dir with a
 * private PI_CONFIG/HOME so nothing outside it is read or written.
 */
export async function startPublicInbox(options: PublicInboxOptions = {}): Promise<PublicInbox> {
  const dir = mkdtempSync(join(tmpdir(), 'bpfci-pi-'));
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    PI_CONFIG: join(dir, 'config'),
    PI_EMERGENCY: join(dir, 'emergency'),
    LANG: 'C.UTF-8',
    TZ: 'UTC',
  };
  const level = options.indexLevel ?? 'full';
  await runChecked(
    [
      'public-inbox-init',
      '-V2',
      '-L',
      level,
      '--ng',
      'org.kernel.vger.bpf',
      '-c',
      'listid=bpf.vger.kernel.org',
      'bpf',
      join(dir, 'bpf'),
      'http://lore.example.org/bpf',
      'bpf@vger.kernel.org',
    ],
    { env, timeoutMs: 60_000 },
  );
  // spamc is not installed: without this every -mda delivery is refused.
  await runChecked(['git', 'config', '-f', env.PI_CONFIG, 'publicinboxmda.spamcheck', 'none'], {
    env,
  });
  let seq = 0;
  async function importMails(raws: Array<Buffer | string>): Promise<void> {
    const files = raws.map((raw) => {
      const file = join(dir, `in-${seq++}.eml`);
      writeFileSync(file, raw);
      return file;
    });
    await importFiles(files);
  }
  async function importFiles(files: string[]): Promise<void> {
    if (files.length === 0) return;
    await runChecked(['perl', join(ROOT, 'scripts', 'pi-import.pl'), 'bpf', ...files], {
      env,
      timeoutMs: 120_000,
    });
  }
  await importFiles(options.seedFiles ?? []);
  const child = spawn(
    'public-inbox-netd',
    ['-W0', '-l', 'http://127.0.0.1:0', '-l', 'imap://127.0.0.1:0', '-l', 'nntp://127.0.0.1:0'],
    { env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let ports: Record<string, number>;
  let url: string;
  try {
    ports = await boundPorts(child, ['http', 'imap', 'nntp']);
    url = `http://127.0.0.1:${ports.http}/bpf/`;
    // An empty inbox answers new.atom with 404 "No feed found": any answer means up.
    await waitForHttp(`${url}new.atom`, 30_000, [404]);
  } catch (err) {
    // Never leave a daemon behind when start-up fails half-way.
    await killAndWait(child, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  async function deliver(raw: Buffer | string): Promise<void> {
    await runChecked(['public-inbox-mda'], {
      env: { ...env, ORIGINAL_RECIPIENT: 'bpf@vger.kernel.org' },
      input: raw.toString(),
      timeoutMs: 60_000,
    });
    // -mda exits 0 on several refusals (missing Date:, list not in To/Cc, duplicate)
    // and leaves the message in the emergency dir: that is the only reliable signal.
    const left = listDir(join(env.PI_EMERGENCY, 'new'));
    if (left.length > 0) throw new Error(`public-inbox-mda refused the mail: ${left.join(', ')}`);
  }

  async function stop(): Promise<void> {
    await killAndWait(child, 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }

  return {
    dir,
    url,
    imap: { host: '127.0.0.1', port: ports.imap ?? 0, mailbox: 'org.kernel.vger.bpf.0' },
    nntp: { host: '127.0.0.1', port: ports.nntp ?? 0, group: 'org.kernel.vger.bpf' },
    importMails,
    deliver,
    stop,
  };
}

function listDir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

/** Reads `# bound http://127.0.0.1:PORT` lines from netd's stderr until all are seen. */
function boundPorts(child: ChildProcess, want: string[]): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const ports: Record<string, number> = {};
    let err = '';
    const timer = setTimeout(() => reject(new Error(`netd did not bind: ${err}`)), 30_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      for (const m of err.matchAll(/^# bound (\w+):\/\/127\.0\.0\.1:(\d+)$/gm)) {
        ports[m[1] as string] = Number(m[2]);
      }
      if (want.every((p) => ports[p])) {
        clearTimeout(timer);
        resolve(ports);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`public-inbox-netd exited ${code}: ${err}`));
    });
  });
}

export async function waitForHttp(
  url: string,
  timeoutMs = 30_000,
  also: number[] = [],
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.ok || also.includes(res.status)) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function killAndWait(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}
