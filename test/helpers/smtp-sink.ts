import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/**
 * What the SMTP server does with the next message:
 * - `accept`: deliver it (to `deliver`) and answer 250;
 * - `4xx` / `5xx`: refuse it after DATA with 451 / 550 (nothing delivered);
 * - `drop`: read it, deliver nothing, and cut the connection before answering;
 * - `accept-drop`: deliver it, then cut the connection before the 250 reaches the
 *   client (the window where the client cannot know the mail went out).
 */
export type SinkMode = 'accept' | '4xx' | '5xx' | 'drop' | 'accept-drop';

export interface SmtpSink {
  port: number;
  /** Behaviour for the following messages (default `accept`). */
  mode: SinkMode;
  /** Every DATA the server received, with its envelope, whatever the mode. */
  received: { rcpt: string[]; raw: Buffer; mode: SinkMode }[];
  stop(): Promise<void>;
}

/** A real in-process SMTP server (the `smtp-server` package) on a loopback port. */
export async function startSmtpSink(deliver: (raw: Buffer) => Promise<unknown>): Promise<SmtpSink> {
  const sink: SmtpSink = { port: 0, mode: 'accept', received: [], stop: async () => {} };
  const server: SMTPServer = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const mode = sink.mode;
        sink.received.push({ rcpt: session.envelope.rcptTo.map((r) => r.address), raw, mode });
        const reject = (code: number, text: string) =>
          callback(Object.assign(new Error(text), { responseCode: code }));
        const cut = () => {
          for (const conn of (
            server as unknown as { connections: Set<{ _socket: { destroy(): void } }> }
          ).connections) {
            conn._socket.destroy();
          }
        };
        if (mode === '4xx') return reject(451, 'Try again later');
        if (mode === '5xx') return reject(550, 'Mailbox unavailable');
        if (mode === 'drop') return cut();
        deliver(raw).then(
          () => (mode === 'accept-drop' ? cut() : callback()),
          (err: Error) => reject(451, err.message),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sink.port = (server.server.address() as AddressInfo).port;
  sink.stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return sink;
}
