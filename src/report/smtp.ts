import nodemailer from 'nodemailer';
import type { Config } from '../config/schema.js';
import { BotError } from '../errors.js';
import { registerSecret } from '../log.js';
import { mailOptions } from './compose.js';
import type { EmailMessage } from './types.js';

export interface EmailTransport {
  send(email: EmailMessage): Promise<void>;
  close(): void;
}

/**
 * What a failed send means for the message:
 * - `permanent`: the server refused it (5xx); it was not delivered and never will be.
 * - `temporary`: refused for now (4xx) or never connected; not delivered, retry.
 * - `uncertain`: the connection died mid-transaction; the server may have accepted
 *   it, so look for its Message-ID on the list before sending it again.
 */
export type SendOutcome = 'permanent' | 'temporary' | 'uncertain';

// Failures that happen before any message byte can reach a server. nodemailer's
// `command` is no help here: a connection cut after DATA is reported as 'CONN' too.
const NEVER_CONNECTED =
  /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|Greeting never received/;

export function classifySmtpError(err: unknown): SendOutcome {
  const e = err as { responseCode?: number; code?: string; message?: string };
  if (typeof e.responseCode === 'number' && e.responseCode >= 500) return 'permanent';
  if (typeof e.responseCode === 'number' && e.responseCode >= 400) return 'temporary';
  if (NEVER_CONNECTED.test(`${e.code} ${e.message}`)) return 'temporary';
  return 'uncertain';
}

type EmailConfig = NonNullable<Config['report']['email']>;

/** nodemailer over SMTP with the TLS mode, auth and timeouts from config. */
export function createSmtpTransport(
  mail: EmailConfig,
  timeoutSeconds: number,
  env: NodeJS.ProcessEnv = process.env,
): EmailTransport {
  const { smtp } = mail;
  const pass = smtp.passwordEnv ? env[smtp.passwordEnv] : undefined;
  if (smtp.user && !pass) {
    throw new BotError(
      'CONFIG_INVALID',
      `report.email.smtp.passwordEnv: ${smtp.passwordEnv ?? '(unset)'} is empty`,
    );
  }
  registerSecret(pass);
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.tls === 'tls',
    requireTLS: smtp.tls === 'starttls',
    ignoreTLS: smtp.tls === 'none',
    auth: smtp.user ? { user: smtp.user, pass } : undefined,
    tls: { rejectUnauthorized: !smtp.allowSelfSigned },
    connectionTimeout: timeoutSeconds * 1000,
    greetingTimeout: timeoutSeconds * 1000,
    socketTimeout: timeoutSeconds * 1000,
  });
  return {
    async send(email) {
      await transport.sendMail(mailOptions(email));
    },
    close: () => transport.close(),
  };
}
