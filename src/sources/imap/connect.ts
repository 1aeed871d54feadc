import { readFileSync } from 'node:fs';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import type { z } from 'zod';
import type { ImapSource } from '../../config/sections/sources.js';
import { BotError } from '../../errors.js';
import { registerSecret } from '../../log.js';
import { backoffDelay } from '../http.js';

export type ImapConfig = z.infer<typeof ImapSource>;

/**
 * imapflow options from the config: implicit TLS, STARTTLS (required, never
 * silently skipped) or plain; a self-signed certificate only when the config says so.
 * Without doSTARTTLS:false, imapflow would upgrade a "plain" session on its own.
 */
export function imapOptions(config: ImapConfig, env: NodeJS.ProcessEnv): ImapFlowOptions {
  const pass = env[config.passwordEnv];
  if (pass === undefined) {
    throw new BotError(
      'CONFIG_INVALID',
      `sources.imap.passwordEnv: ${config.passwordEnv} is not set`,
    );
  }
  registerSecret(pass);
  const timeout = config.timeoutSeconds * 1000;
  return {
    host: config.host,
    port: config.port,
    secure: config.tls === 'tls',
    doSTARTTLS: config.tls === 'starttls' ? true : config.tls === 'none' ? false : undefined,
    auth: { user: config.user, pass },
    tls: {
      rejectUnauthorized: !config.allowSelfSigned,
      ...(config.caFile ? { ca: readFileSync(config.caFile, 'utf8') } : {}),
    },
    logger: false,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: Math.max(timeout, 5 * 60_000),
    // Servers without IDLE are polled with NOOP instead.
    missingIdleCommand: 'NOOP',
  };
}

/** Connects, retrying with jittered backoff; IMAP_FAILED after the last attempt. */
export async function connectImap(
  options: ImapFlowOptions,
  attempts = 3,
  backoffMs = 500,
): Promise<ImapFlow> {
  let last: unknown;
  for (let i = 1; i <= attempts; i++) {
    if (i > 1) await new Promise((r) => setTimeout(r, backoffDelay(i - 1, backoffMs)));
    const client = new ImapFlow(options);
    // An error event without a listener would crash the process.
    client.on('error', () => {});
    try {
      await client.connect();
      return client;
    } catch (err) {
      last = err;
      client.close();
    }
  }
  throw new BotError('IMAP_FAILED', `IMAP ${options.host}:${options.port}: ${String(last)}`, {
    cause: last,
  });
}

/** Whether the mailbox already holds a message (the outbox checks a mail reached the list). */
export async function imapHasMessageId(
  config: ImapConfig,
  messageId: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<boolean> {
  const client = await connectImap(imapOptions(config, env));
  try {
    await client.mailboxOpen(config.mailbox, { readOnly: true });
    const id = `<${messageId.replace(/^<|>$/g, '')}>`;
    const uids = await client.search({ header: { 'message-id': id } }, { uid: true });
    return Array.isArray(uids) && uids.length > 0;
  } finally {
    await client.logout().catch(() => client.close());
  }
}
