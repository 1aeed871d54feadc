import { type Logger, pino } from 'pino';

export type { Logger } from 'pino';

/** Values registered here are replaced by "[redacted]" wherever they appear in a log line. */
const secrets = new Set<string>();

export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 4) secrets.add(value);
}

function scrub(text: string): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('[redacted]');
  return out;
}

/**
 * The root logger. Logs go to stderr so that command output on stdout stays
 * machine-readable (`--json`). Secret values are scrubbed from every line, and
 * well-known secret-bearing fields are redacted by path.
 */
export function createLogger(level = process.env.BPFCI_LOG_LEVEL ?? 'info'): Logger {
  const dest = {
    write(line: string): void {
      process.stderr.write(scrub(line));
    },
  };
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: ['token', '*.token', 'password', '*.password', 'headers.authorization', 'auth.pass'],
        censor: '[redacted]',
      },
    },
    dest,
  );
}

/** A logger that drops everything: for tests and pure code paths. */
export const silentLogger: Logger = pino({ level: 'silent' });
