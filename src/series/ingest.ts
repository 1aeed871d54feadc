import { readFileSync } from 'node:fs';
import type { Db } from '../db/open.js';
import type { Logger } from '../log.js';
import { unquoted } from '../mail/body.js';
import { type ParsedMessage, parseMessage, sha256Hex } from '../mail/parse.js';
import { parseTrailers, REVIEW_TRAILERS } from '../mail/trailers.js';
import { placeMessage } from './assemble.js';
import { linkRevisions } from './link.js';
import { recordMailCommands } from './mail-commands.js';
import { rawMailPath, writeRawMail } from './raw-store.js';
import { refreshSeries } from './refresh.js';
import { prep } from './rows.js';
import { samePatch } from './same-patch.js';
import type { IngestSummary } from './types.js';

export type { IngestSummary } from './types.js';

export interface IngestContext {
  db: Db;
  stateDir: string;
  log: Logger;
  /** Cap on one mail's size in bytes (default 10 MB); larger mail is rejected unparsed. */
  maxMailBytes?: number;
}

/**
 * Stores raw messages and assembles series from them, in one transaction
 * (a nested call inside the caller's db.transaction becomes a savepoint, so a
 * source can move its cursor atomically with the rows). Bad mail is rejected
 * with a reason and kept on disk (a mail over the size cap: its headers only);
 * nothing here throws for bad input.
 */
export function ingestMessages(ctx: IngestContext, raws: Buffer[], source: string): IngestSummary {
  const summary: IngestSummary = { stored: [], duplicates: [], rejected: [], seriesTouched: [] };
  // Parse before the transaction: it is slow-ish and needs no DB. Bytes seen
  // before are not parsed again (re-polls and cross-source repeats). The raw
  // file is written inside, just before its row: a crash leaves at worst a file
  // without a row, which is harmless and reused when the same bytes come again.
  const parsed = raws.map((raw) => {
    const sha256 = sha256Hex(raw);
    const seen = seenBefore(ctx.db, sha256);
    if (seen) return { raw, seen };
    return { raw, outcome: parseMessage(raw, { maxBytes: ctx.maxMailBytes }) };
  });
  const now = new Date().toISOString();
  const touched = new Set<number>();
  ctx.db.transaction(() => {
    for (const { raw, seen, outcome } of parsed) {
      if (seen?.stored) summary.duplicates.push(seen.messageId);
      else if (seen) summary.rejected.push(seen.rejection);
      if (!outcome) continue;
      if (!outcome.ok) {
        const kept = outcome.oversized ? headersOnly(raw) : raw;
        const reason = outcome.oversized
          ? `${outcome.reason}; only its ${kept.length}-byte header block is kept`
          : outcome.reason;
        const path = writeRawMail(ctx.stateDir, outcome.sha256, kept);
        reject(ctx.db, summary, { ...outcome, reason, path, source, now });
        continue;
      }
      const msg = outcome.message;
      const existing = prep<[string], { sha256: string; raw_path: string }>(
        ctx.db,
        'SELECT sha256, raw_path FROM messages WHERE message_id = ?',
      ).get(msg.messageId);
      if (existing?.sha256 === msg.sha256) {
        summary.duplicates.push(msg.messageId);
      } else if (existing && isCopyOf(ctx.db, existing.raw_path, msg)) {
        // The same mail by another route (its headers differ): the first copy stays.
        prep(
          ctx.db,
          `INSERT OR IGNORE INTO message_copies (sha256, message_id, source, received_at)
           VALUES (?, ?, ?, ?)`,
        ).run(msg.sha256, msg.messageId, source, now);
        summary.duplicates.push(msg.messageId);
      } else if (existing) {
        const reason = `Message-ID <${msg.messageId}> is already stored with a different patch (sha256 ${existing.sha256.slice(0, 12)})`;
        const path = writeRawMail(ctx.stateDir, msg.sha256, raw);
        reject(ctx.db, summary, {
          sha256: msg.sha256,
          messageId: msg.messageId,
          reason,
          path,
          source,
          now,
        });
      } else {
        insertMessage(ctx.db, msg, writeRawMail(ctx.stateDir, msg.sha256, raw), source, now);
        summary.stored.push(msg.messageId);
        for (const id of assemble(ctx.db, msg, now)) touched.add(id);
      }
    }
  })();
  summary.seriesTouched = [...touched].sort((a, b) => a - b);
  ctx.log.info(
    {
      source,
      stored: summary.stored.length,
      duplicates: summary.duplicates.length,
      rejected: summary.rejected.length,
      series: summary.seriesTouched,
    },
    'mail ingested',
  );
  return summary;
}

type Seen =
  | { stored: true; messageId: string }
  | { stored: false; rejection: IngestSummary['rejected'][number] };

/** The same bytes already stored (a duplicate) or already rejected (the same reason again). */
function seenBefore(db: Db, sha256: string): Seen | undefined {
  const stored = prep<[string], { message_id: string }>(
    db,
    'SELECT message_id FROM messages WHERE sha256 = ?',
  ).get(sha256);
  if (stored) return { stored: true, messageId: stored.message_id };
  const copy = prep<[string], { message_id: string }>(
    db,
    'SELECT message_id FROM message_copies WHERE sha256 = ?',
  ).get(sha256);
  if (copy) return { stored: true, messageId: copy.message_id };
  const rejected = prep<[string], { message_id: string | null; reason: string }>(
    db,
    'SELECT message_id, reason FROM rejected_messages WHERE sha256 = ?',
  ).get(sha256);
  if (!rejected) return undefined;
  const rejection = rejected.message_id
    ? { messageId: rejected.message_id, reason: rejected.reason }
    : { reason: rejected.reason };
  return { stored: false, rejection };
}

/** Whether a mail is another copy of the stored one (same patch, other headers). */
function isCopyOf(db: Db, storedPath: string, msg: ParsedMessage): boolean {
  let raw: Buffer;
  try {
    raw = readFileSync(rawMailPath(db, storedPath));
  } catch {
    return false; // the first copy's bytes are gone: never guess it is the same
  }
  const first = parseMessage(raw, { maxBytes: raw.length });
  return first.ok && samePatch(first.message, msg);
}

/** The header block of a mail (at most 64 KiB): what is kept of one too big to store. */
function headersOnly(raw: Buffer): Buffer {
  const head = raw.subarray(0, 64 * 1024);
  const blank = /\r?\n\r?\n/.exec(head.toString('latin1'));
  return blank ? head.subarray(0, blank.index + blank[0].length) : head;
}

function reject(
  db: Db,
  summary: IngestSummary,
  r: {
    sha256: string;
    messageId?: string;
    reason: string;
    path: string;
    source: string;
    now: string;
  },
): void {
  prep(
    db,
    `INSERT OR IGNORE INTO rejected_messages (sha256, message_id, raw_path, reason, source, received_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  ).run(r.sha256, r.messageId ?? null, r.path, r.reason, r.source, r.now);
  summary.rejected.push(
    r.messageId ? { messageId: r.messageId, reason: r.reason } : { reason: r.reason },
  );
}

function insertMessage(
  db: Db,
  msg: ParsedMessage,
  path: string,
  source: string,
  now: string,
): void {
  const info = msg.subjectInfo;
  const placed = msg.kind === 'patch' || msg.kind === 'cover';
  prep(
    db,
    `INSERT INTO messages (message_id, sha256, raw_path, size, kind, subject, from_name, from_addr, date,
       in_reply_to, refs, version, idx, total, notes, source, received_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    msg.messageId,
    msg.sha256,
    path,
    msg.size,
    msg.kind,
    msg.subjectRaw,
    msg.fromName,
    msg.fromAddr,
    msg.date,
    msg.inReplyTo ?? null,
    JSON.stringify(msg.references),
    placed ? info.version : null,
    placed ? (msg.kind === 'cover' ? 0 : info.index) : null,
    placed ? info.total : null,
    JSON.stringify(msg.notes),
    source,
    now,
  );
}

/** Places a patch or cover, or records a reply's trailers; returns the series it changed. */
function assemble(db: Db, msg: ParsedMessage, now: string): number[] {
  if (msg.kind === 'reply') {
    const insert = prep(
      db,
      'INSERT OR IGNORE INTO trailers (message_id, name, value) VALUES (?, ?, ?)',
    );
    for (const t of parseTrailers(unquoted(msg.body))) {
      if (REVIEW_TRAILERS.has(t.name)) insert.run(msg.messageId, t.name, t.value);
    }
    const series = seriesOfThread(db, msg);
    recordMailCommands(db, msg, series, now);
    return series;
  }
  if (msg.kind !== 'patch' && msg.kind !== 'cover') return [];
  const id = placeMessage(db, msg, now);
  // The name (which linking compares) can change once the cover arrives; the
  // link then decides whether a partial re-roll inherits patches.
  refreshSeries(db, id, now);
  const changed = [id, ...linkRevisions(db, id)];
  for (const s of new Set(changed)) refreshSeries(db, s, now);
  return changed;
}

/** The series a reply is about: the nearest ancestor that is one of its patches or its cover. */
function seriesOfThread(db: Db, msg: ParsedMessage): number[] {
  const find = prep<[string, string], { id: number }>(
    db,
    `SELECT series_id AS id FROM series_patches WHERE message_id = ?
     UNION SELECT id FROM series WHERE cover_message_id = ?`,
  );
  for (const ref of [msg.inReplyTo, ...[...msg.references].reverse()]) {
    if (!ref) continue;
    const rows = find.all(ref, ref);
    if (rows.length > 0) return rows.map((r) => r.id);
  }
  return [];
}
