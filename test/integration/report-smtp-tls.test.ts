import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChecked } from '../../src/exec/run.js';
import { buildReportContext } from '../../src/report/context.js';
import { renderEmail } from '../../src/report/render-email.js';
import { classifySmtpError, createSmtpTransport } from '../../src/report/smtp.js';
import { NOW, RUN_URL, reportConfig, SCENARIOS, series } from '../unit/report/scenarios.js';

/** TLS modes and auth from config, against real smtp-server listeners with a self-signed cert. */
const dir = mkdtempSync(join(tmpdir(), 'bpfci-smtp-tls-'));
let key: Buffer;
let cert: Buffer;
const seen: { secure: boolean; user?: string }[] = [];
const servers: SMTPServer[] = [];

async function listen(secure: boolean): Promise<number> {
  const server = new SMTPServer({
    secure,
    key,
    cert,
    logger: false,
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, callback) {
      if (auth.username === 'bot' && auth.password === 'secret')
        return callback(null, { user: 'bot' });
      return callback(
        Object.assign(new Error('Invalid username or password'), { responseCode: 535 }),
      );
    },
    onData(stream, session, callback) {
      stream.resume();
      stream.on('end', () => {
        seen.push({ secure: session.secure, user: session.user as string | undefined });
        callback();
      });
    },
  });
  // The refusal test aborts the TLS handshake on purpose: the server reports it as an error.
  server.on('error', () => {});
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.server.address() as AddressInfo).port;
}

function mailConfig(port: number, tls: 'tls' | 'starttls') {
  const email = reportConfig().report.email;
  if (!email) throw new Error('fixture config has email');
  return {
    ...email,
    smtp: {
      host: '127.0.0.1',
      port,
      tls,
      allowSelfSigned: true,
      user: 'bot',
      passwordEnv: 'BPFCI_TEST_SMTP_PW',
    },
  };
}

const message = () =>
  renderEmail(
    buildReportContext(
      reportConfig(),
      { runId: 1, series: series(), verdict: SCENARIOS['new-failure'] as never, runUrl: RUN_URL },
      NOW,
    ),
  );

beforeAll(async () => {
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
      '2',
      '-subj',
      '/CN=localhost',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { timeoutMs: 30_000 },
  );
  key = readFileSync(join(dir, 'key.pem'));
  cert = readFileSync(join(dir, 'cert.pem'));
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  rmSync(dir, { recursive: true, force: true });
});

describe('SMTP transport settings', () => {
  it('sends over STARTTLS with auth, and over implicit TLS', async () => {
    const env = { BPFCI_TEST_SMTP_PW: 'secret' };
    for (const [secure, mode] of [
      [false, 'starttls'],
      [true, 'tls'],
    ] as const) {
      const transport = createSmtpTransport(mailConfig(await listen(secure), mode), 20, env);
      await transport.send(message());
      transport.close();
    }
    expect(seen).toEqual([
      { secure: true, user: 'bot' },
      { secure: true, user: 'bot' },
    ]);
  });

  it('refuses a self-signed certificate unless allowed', async () => {
    const port = await listen(true);
    const transport = createSmtpTransport(
      {
        ...mailConfig(port, 'tls'),
        smtp: { ...mailConfig(port, 'tls').smtp, allowSelfSigned: false },
      },
      20,
      { BPFCI_TEST_SMTP_PW: 'secret' },
    );
    const err = await transport.send(message()).catch((e: unknown) => e);
    transport.close();
    expect(String(err)).toMatch(/self[- ]signed/i);
  });

  it('a wrong password is a permanent failure', async () => {
    const transport = createSmtpTransport(mailConfig(await listen(false), 'starttls'), 20, {
      BPFCI_TEST_SMTP_PW: 'wrong',
    });
    const err = await transport.send(message()).catch((e: unknown) => e);
    transport.close();
    expect(classifySmtpError(err)).toBe('permanent');
  });
});
