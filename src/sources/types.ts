import type { Db } from '../db/open.js';
import { BotError } from '../errors.js';
import type { Logger } from '../log.js';

export type SourceName = 'patchwork' | 'lore' | 'imap';

/** What a poll needs: the store and somewhere to log. */
export interface SourceContext {
  db: Db;
  stateDir: string;
  log: Logger;
}

/** What one poll of one source did: all of it data, for `bpfci poll --json` and tests. */
export interface PollReport {
  source: SourceName;
  /** Network requests sent (HTTP requests incl. retries; IMAP: commands that fetch). */
  requests: number;
  /** Message-IDs stored by this poll. */
  stored: string[];
  /** Messages seen again (already stored). */
  duplicates: number;
  /** Messages refused by the store (each kept on disk with its reason). */
  rejected: number;
  /** Store series ids created or changed. */
  seriesTouched: number[];
  /** Store series ids that got their Patchwork ids attached. */
  attached: number[];
  /** Things passed over on purpose, e.g. a Patchwork series in an ignored state. */
  skipped: { id: string; reason: string }[];
  /** Set when the poll failed part-way; what was stored before the failure stays. */
  error?: { code: string; message: string };
}

/** One configured source. `close` releases long-lived connections (IMAP). */
export interface Poller {
  readonly name: SourceName;
  poll(ctx: SourceContext): Promise<PollReport>;
  close?(): Promise<void>;
}

export function emptyReport(source: SourceName): PollReport {
  return {
    source,
    requests: 0,
    stored: [],
    duplicates: 0,
    rejected: 0,
    seriesTouched: [],
    attached: [],
    skipped: [],
  };
}

/** Folds one ingestMessages summary into a report. */
export function addIngest(
  report: PollReport,
  s: { stored: string[]; duplicates: string[]; rejected: unknown[]; seriesTouched: number[] },
): void {
  report.stored.push(...s.stored);
  report.duplicates += s.duplicates.length;
  report.rejected += s.rejected.length;
  for (const id of s.seriesTouched)
    if (!report.seriesTouched.includes(id)) report.seriesTouched.push(id);
}

/** An error as report data: its stable code and message. */
export function errorOf(err: unknown): { code: string; message: string } {
  if (err instanceof BotError) return { code: err.code, message: err.message };
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}
