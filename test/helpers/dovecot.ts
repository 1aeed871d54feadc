import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import { runChecked } from '../../src/exec/run.js';
import { dovecotConfig } from './dovecot-config.js';
import { freePort } from './free-port.js';

export interface StoredMail {
  uid: number;
  messageId: string;
  subject: string;
  raw: Buffer;
}

export interface Dovecot {
  dir: string;
  host: string;
  /** Plain IMAP port (offers STARTTLS when started with tls). */
  port: number;
  /** Implicit-TLS port, only when started with tls. */
  tlsPort?: number;
  /** PEM of the self-signed certificate, only when started with tls. */
  ca?: string;
  user: string;
  password: string;
  /** imapflow options for a plain loopback login as the test user. */
  clientOptions(overrides?: Partial<ImapFlowOptions>): ImapFlowOptions;
  /** IMAP APPEND (INTERNALDATE = date); returns the new UID. */
  append(raw: Buffer | string, opts?: { mailbox?: string; date?: Date }): Promise<number>;
  /** Every message in a mailbox, oldest first (e.g. to read the bot's replies back). */
  messages(mailbox?: string): Promise<StoredMail[]>;
  /** DELETE + CREATE: same name, new UIDVALIDITY, empty. Not for INBOX. */
  recreateMailbox(mailbox: string): Promise<{ before: number; after: number }>;
  stop(): Promise<void>;
}

/** The sources.imap section of a bot config that reads `mailbox` as the test user (password in IMAP_PASSWORD). */
export function imapSource(dc: Dovecot, mailbox: string): Record<string, unknown> {
  return {
    host: dc.host,
    port: dc.port,
    tls: 'none',
    user: dc.user,
    passwordEnv: 'IMAP_PASSWORD',
    mailbox,
  };
}

export interface DovecotOptions {
  /** Also serve implicit TLS and STARTTLS with a fresh self-signed certificate. */
  tls?: boolean;
}

/**
 * A real Dovecot (user bot/secret, mailboxes INBOX and Lists/bpf) in a temp dir on a
 * free loopback port, as in shared/reference/mail-lab.md §2. Runs as root too (Debian's
 * dovecot/dovenull users). Killed by process group on stop (graceful stop takes 1 s).
 */
export async function startDovecot(options: DovecotOptions = {}): Promise<Dovecot> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (err) {
      // A port picked by freePort() can be taken before Dovecot binds it.
      if (attempt >= 3 || !String(err).includes('listeners')) throw err;
    }
  }
}

async function startOnce(options: DovecotOptions): Promise<Dovecot> {
  const dir = mkdtempDir();
  const asRoot = process.getuid?.() === 0;
  const port = await freePort();
  const tlsPort = options.tls ? await freePort() : undefined;
  let ca: string | undefined;
  if (tlsPort) ca = await makeCert(dir);
  writeFileSync(join(dir, 'dovecot.conf'), dovecotConfig({ dir, port, tlsPort, asRoot }));
  writeFileSync(join(dir, 'users'), 'bot:{PLAIN}secret::::::\n');
  const home = join(dir, 'home', 'bot');
  mkdirSync(home, { recursive: true });
  // As root the mail processes run as nobody: they must own the home.
  if (asRoot) chownSync(home, 65534, 65534);
  const child = spawn('dovecot', ['-F', '-c', join(dir, 'dovecot.conf')], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  try {
    await waitForGreeting(port, child, () => stderr);
  } catch (err) {
    await killGroup(child);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  const clientOptions = (overrides: Partial<ImapFlowOptions> = {}): ImapFlowOptions => ({
    host: '127.0.0.1',
    port,
    secure: false,
    doSTARTTLS: false,
    auth: { user: 'bot', pass: 'secret' },
    logger: false,
    ...overrides,
  });
  async function withClient<T>(fn: (c: ImapFlow) => Promise<T>): Promise<T> {
    const client = new ImapFlow(clientOptions());
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.logout().catch(() => client.close());
    }
  }

  return {
    dir,
    host: '127.0.0.1',
    port,
    tlsPort,
    ca,
    user: 'bot',
    password: 'secret',
    clientOptions,
    append: (raw, opts = {}) =>
      withClient(async (c) => {
        const res = await c.append(opts.mailbox ?? 'INBOX', raw, [], opts.date);
        const uid = res ? res.uid : undefined;
        if (!uid) throw new Error('APPEND returned no UID');
        return uid;
      }),
    messages: (mailbox = 'INBOX') =>
      withClient(async (c) => {
        const lock = await c.getMailboxLock(mailbox);
        try {
          const out: StoredMail[] = [];
          const box = c.mailbox;
          if (!box || box.exists === 0) return out;
          for await (const m of c.fetch('1:*', { uid: true, envelope: true, source: true })) {
            out.push({
              uid: m.uid,
              messageId: m.envelope?.messageId ?? '',
              subject: m.envelope?.subject ?? '',
              raw: m.source ?? Buffer.alloc(0),
            });
          }
          return out;
        } finally {
          lock.release();
        }
      }),
    recreateMailbox: (mailbox) =>
      withClient(async (c) => {
        const uidValidity = async (): Promise<number> => {
          const st = await c.status(mailbox, { uidValidity: true });
          return st ? Number(st.uidValidity) : 0;
        };
        const before = await uidValidity();
        await c.mailboxDelete(mailbox);
        await c.mailboxCreate(mailbox);
        return { before, after: await uidValidity() };
      }),
    stop: async () => {
      await killGroup(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function mkdtempDir(): string {
  const dir = join(
    tmpdir(),
    `bpfci-dc-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
  );
  mkdirSync(dir, { recursive: true });
  // Dovecot's unprivileged helpers (and the mail user) must be able to traverse it.
  chmodSync(dir, 0o755);
  return dir;
}

async function makeCert(dir: string): Promise<string> {
  await runChecked(
    [
      'openssl',
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '3650',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { timeoutMs: 30_000 },
  );
  return readFileSync(join(dir, 'cert.pem'), 'utf8');
}

/** Resolves at the first `* OK` greeting; rejects if Dovecot exits first. */
async function waitForGreeting(
  port: number,
  child: ChildProcess,
  stderr: () => string,
): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`dovecot exited ${child.exitCode}: ${stderr()}`);
    }
    if (await greets(port)) return;
    await new Promise((r) => setTimeout(r, 30));
  }
  throw new Error(`dovecot did not greet on ${port}: ${stderr()}`);
}

function greets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    sock.setTimeout(2_000);
    sock.once('data', (d) => {
      sock.destroy();
      resolve(d.toString().startsWith('* OK'));
    });
    sock.once('error', () => resolve(false));
    sock.once('timeout', () => {
      sock.destroy();
      resolve(false);
    });
  });
}

function killGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      resolve();
    }
  });
}
