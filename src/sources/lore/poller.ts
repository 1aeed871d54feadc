import type { z } from 'zod';
import type { LoreSource } from '../../config/sections/sources.js';
import type { Logger } from '../../log.js';
import { ingestMessages } from '../../series/ingest.js';
import { getCursor, knownMessageIds, setCursor } from '../cursor.js';
import { httpPoller, type RequestCount } from '../http-poller.js';
import { rawMessageId } from '../raw-message-id.js';
import { addIngest, errorOf, type Poller, type PollReport, type SourceContext } from '../types.js';
import type { AtomEntry } from './atom.js';
import { LoreClient } from './client.js';

export type LoreConfig = z.infer<typeof LoreSource>;

const SOURCE = 'lore';

/** A patch or cover letter, not a reply: its thread is worth fetching whole. */
function isPatchTitle(title: string): boolean {
  return /^\s*\[[^\]]*\bPATCH\b/i.test(title);
}

/**
 * Polls a public-inbox inbox: one `new.atom` request when idle. Entries whose
 * Message-ID is stored are skipped. If none of the feed is at or before the cursor,
 * more may have arrived than the feed holds: a `rt:<cursor>..` search backfills.
 * New patches and covers bring their whole thread (`t.mbox.gz`, so a series is
 * complete after one poll even when the feed only shows part of it); other new
 * mail comes one by one (`/raw`). Oldest first, each fetch stored with the cursor
 * (the newest received time handled) in one transaction.
 */
export function createLorePoller(config: LoreConfig, log: Logger): Poller {
  const count: RequestCount = { n: 0 };
  const client = new LoreClient(config.url, {
    timeoutMs: config.timeoutSeconds * 1000,
    attempts: config.attempts,
    log,
    onRequest: () => {
      count.n++;
    },
  });
  return httpPoller(SOURCE, count, (ctx, report) => pollOnce(ctx, client, config, report));
}

async function pollOnce(
  ctx: SourceContext,
  client: LoreClient,
  config: LoreConfig,
  report: PollReport,
): Promise<void> {
  const cursor = getCursor(ctx.db, SOURCE);
  let entries = await client.feed();
  const gap =
    cursor !== undefined && entries.length > 0 && entries.every((e) => e.updated > cursor);
  if (gap && cursor) {
    ctx.log.info({ source: SOURCE, since: cursor }, 'feed overflowed since last poll: backfilling');
    try {
      entries = [...entries, ...(await client.receivedSince(cursor, config.maxBackfillPages))];
    } catch (err) {
      // A search that fails (an inbox indexed without Xapian answers 501) must not
      // stall the feed forever: take what the feed has and say what may be missing.
      const e = errorOf(err);
      ctx.log.error({ source: SOURCE, since: cursor, err: e }, 'lore backfill search failed');
      report.skipped.push({ id: `rt:${cursor}..`, reason: `backfill search failed: ${e.message}` });
    }
  }
  const byId = new Map<string, AtomEntry>();
  for (const e of entries) if (!byId.has(e.messageId)) byId.set(e.messageId, e);
  const known = knownMessageIds(ctx.db, [...byId.keys()]);
  const fresh = [...byId.values()]
    .filter((e) => !known.has(e.messageId))
    .sort((a, b) => (a.updated < b.updated ? -1 : a.updated > b.updated ? 1 : 0));
  report.duplicates += byId.size - fresh.length;
  for (const entry of fresh) {
    // A thread fetched earlier in this poll may already have brought it.
    if (knownMessageIds(ctx.db, [entry.messageId]).size > 0) {
      advance(ctx, entry.updated);
      continue;
    }
    const raws = isPatchTitle(entry.title)
      ? ((await client.thread(entry.messageId)) ?? [])
      : ((await client.raw(entry.messageId)) ?? []);
    if (raws.length === 0) {
      // Listed in the feed but gone (deleted, or a mirror lagging): nothing to store.
      report.skipped.push({ id: entry.messageId, reason: 'not retrievable from lore' });
    }
    ctx.db.transaction(() => {
      const already = knownMessageIds(ctx.db, raws.map(rawMessageId));
      const todo = raws.filter((r) => !already.has(rawMessageId(r)));
      report.duplicates += raws.length - todo.length;
      if (todo.length > 0) addIngest(report, ingestMessages(ctx, todo, SOURCE));
      setCursorForward(ctx, entry.updated);
    })();
  }
  // First poll on an idle inbox: remember where the feed stood.
  if (cursor === undefined && fresh.length === 0 && entries[0]) {
    advance(
      ctx,
      entries
        .map((e) => e.updated)
        .sort()
        .at(-1) ?? '',
    );
  }
}

function advance(ctx: SourceContext, updated: string): void {
  ctx.db.transaction(() => setCursorForward(ctx, updated))();
}

/** The cursor is a received time; it never moves back (entries can share a second). */
function setCursorForward(ctx: SourceContext, updated: string): void {
  const current = getCursor(ctx.db, SOURCE);
  if (current === undefined || updated > current) setCursor(ctx.db, SOURCE, updated);
}
