/**
 * Every error bpfci raises carries a stable `code` from this one registry, so logs,
 * metrics and the DB can count failures by kind. Test outcomes are never errors:
 * they are verdicts (data). Errors are for infrastructure and for bad input.
 */
export const ERROR_CODES = {
  USAGE: { text: 'Invalid command-line usage', retryable: false },
  CONFIG_INVALID: { text: 'Invalid configuration', retryable: false },
  CONFIG_NOT_FOUND: { text: 'Configuration file not found', retryable: false },
  DB_MIGRATION: { text: 'Database migration failed', retryable: false },
  MAIL_REJECTED: { text: 'Mail rejected', retryable: false },
  NOT_FOUND: { text: 'Object not found', retryable: false },
  EXEC_FAILED: { text: 'Command failed', retryable: false },
  EXEC_TIMEOUT: { text: 'Command timed out', retryable: true },
  EXEC_MISSING: { text: 'Required program is missing', retryable: false },
  GIT_FAILED: { text: 'git command failed', retryable: false },
  HTTP_FAILED: { text: 'HTTP request failed', retryable: true },
  HTTP_AUTH: { text: 'HTTP authentication failed', retryable: false },
  HTTP_BAD_RESPONSE: { text: 'HTTP response could not be understood', retryable: true },
  HTTP_REJECTED: { text: 'HTTP request refused by the server', retryable: false },
  IMAP_FAILED: { text: 'IMAP session failed', retryable: true },
  SMTP_FAILED: { text: 'SMTP delivery failed', retryable: true },
  TREE_FETCH: { text: 'Fetching a kernel tree failed', retryable: true },
  LANE_BUSY: { text: 'Lane is held by another job', retryable: true },
  DISK_LOW: { text: 'Not enough free disk space', retryable: true },
  VM_FAILED: { text: 'Virtual machine could not run', retryable: true },
  TOOL_MISSING: { text: 'A required tool is missing', retryable: false },
  KERNEL_UNUSABLE: { text: 'An older kernel of the matrix cannot be used', retryable: false },
  SANDBOX_UNREACHABLE: { text: 'The build sandbox cannot reach a directory', retryable: false },
  ENGINE_FAILED: { text: "The fleet's job engine cannot be reached", retryable: true },
  CANCELLED: { text: 'Cancelled', retryable: false },
  INTERRUPTED: { text: 'The daemon stopped while the job ran', retryable: true },
  INFRA_VERDICT: { text: 'The run ended on an infrastructure problem', retryable: true },
  INTERNAL: { text: 'Internal error', retryable: false },
} as const satisfies Record<string, { text: string; retryable: boolean }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class BotError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;

  constructor(
    code: ErrorCode,
    message?: string,
    options?: { cause?: unknown; retryable?: boolean },
  ) {
    super(message ?? ERROR_CODES[code].text, { cause: options?.cause });
    this.name = 'BotError';
    this.code = code;
    this.retryable = options?.retryable ?? ERROR_CODES[code].retryable;
  }
}

/** Process exit codes, fixed for every command. */
export const EXIT = { ok: 0, failed: 1, infra: 2, usage: 64 } as const;

/** The exit code a command should end with when it dies of `err`. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof BotError && (err.code === 'USAGE' || err.code.startsWith('CONFIG'))) {
    return EXIT.usage;
  }
  if (err instanceof BotError && err.code === 'NOT_FOUND') return EXIT.usage;
  return EXIT.infra;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
