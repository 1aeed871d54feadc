import { gunzipSync } from 'node:zlib';
import { BotError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { isMbox, splitMbox } from '../../mail/mbox.js';
import { httpRequest } from '../http.js';
import { type AtomEntry, parseAtom } from './atom.js';

export interface LoreClientOptions {
  timeoutMs?: number;
  attempts?: number;
  backoffMs?: number;
  log?: Logger;
  onRequest?: () => void;
}

/** public-inbox caps a search page at 200 results. */
export const SEARCH_PAGE = 200;

/** `<inbox>/<msgid>/` with the Message-ID escaped the way public-inbox links it. */
export function messageUrl(inboxUrl: string, messageId: string): string {
  const base = inboxUrl.endsWith('/') ? inboxUrl : `${inboxUrl}/`;
  const escaped = encodeURIComponent(messageId.replace(/^<|>$/g, '')).replace(/%40/g, '@');
  return `${base}${escaped}/`;
}

/**
 * A read-only public-inbox (lore) HTTP client: the Atom feed, Atom search, raw
 * messages and gzipped thread mboxes. Feeds have no ETag/Last-Modified, so callers
 * dedupe by Message-ID.
 */
export class LoreClient {
  readonly inboxUrl: string;
  private readonly opts: LoreClientOptions;

  constructor(inboxUrl: string, opts: LoreClientOptions = {}) {
    this.inboxUrl = inboxUrl.endsWith('/') ? inboxUrl : `${inboxUrl}/`;
    this.opts = opts;
  }

  /** The newest entries (`new.atom`, 25 on a default install), newest first. */
  async feed(): Promise<AtomEntry[]> {
    const res = await this.get(`${this.inboxUrl}new.atom`, [404]);
    const text = res.body.toString('utf8');
    // An inbox with no mail yet answers 404 "No feed found for thread"; any other 404
    // (a wrong inbox URL) must not pass for "nothing new".
    if (res.status === 404) {
      if (text.startsWith('No feed found')) return [];
      throw new BotError('HTTP_FAILED', `${res.url}: HTTP 404 (is the inbox URL right?)`);
    }
    return parseAtom(text, this.inboxUrl);
  }

  /**
   * Everything received at or after `sinceIso` (`rt:2024-05-02T00:00:00Z..`; a bare
   * date would be read as "that day at the current time"), paged by 200, up to
   * `maxPages`. A search with no match answers 404: that is an empty result.
   */
  async receivedSince(sinceIso: string, maxPages: number): Promise<AtomEntry[]> {
    const out: AtomEntry[] = [];
    for (let page = 0; page < maxPages; page++) {
      const q = new URLSearchParams({
        q: `rt:${sinceIso}..`,
        x: 'A',
        o: String(page * SEARCH_PAGE),
      });
      const res = await this.get(`${this.inboxUrl}?${q}`, [404]);
      if (res.status === 404) break;
      const entries = parseAtom(res.body.toString('utf8'), this.inboxUrl);
      out.push(...entries);
      if (entries.length < SEARCH_PAGE) break;
    }
    return out;
  }

  /** One message by Message-ID (`/raw`), or undefined if the inbox does not have it. */
  async raw(messageId: string): Promise<Buffer[] | undefined> {
    const res = await this.get(`${messageUrl(this.inboxUrl, messageId)}raw`, [404]);
    if (res.status === 404) return undefined;
    // Two messages reusing one Message-ID come back together as one mboxrd body.
    return isMbox(res.body) ? splitMbox(res.body) : [res.body];
  }

  /** The whole thread around a message (`t.mbox.gz`), or undefined if unknown. */
  async thread(messageId: string): Promise<Buffer[] | undefined> {
    const res = await this.get(`${messageUrl(this.inboxUrl, messageId)}t.mbox.gz`, [404]);
    if (res.status === 404) return undefined;
    return splitMbox(gunzipIfNeeded(res.body, res.url));
  }

  private async get(url: string, accept: number[] = []) {
    const res = await httpRequest(url, {
      timeoutMs: this.opts.timeoutMs ?? 30_000,
      attempts: this.opts.attempts,
      backoffMs: this.opts.backoffMs,
      accept,
      log: this.opts.log,
      onRequest: this.opts.onRequest,
    });
    if (res.status >= 300 && !accept.includes(res.status)) {
      throw new BotError('HTTP_FAILED', `${url}: unexpected HTTP ${res.status}`, {
        retryable: false,
      });
    }
    return res;
  }
}

/**
 * public-inbox serves t.mbox.gz as application/gzip with no Content-Encoding, so
 * fetch hands over the compressed bytes; a proxy might decode it on the way.
 */
function gunzipIfNeeded(body: Buffer, url: string): Buffer {
  if (body[0] !== 0x1f || body[1] !== 0x8b) return body;
  try {
    return gunzipSync(body);
  } catch (err) {
    throw new BotError('HTTP_BAD_RESPONSE', `${url}: broken gzip`, { cause: err });
  }
}

/** The whole thread of a message from lore (for `bpfci test <message-id>`). */
export async function fetchByMessageId(
  loreUrl: string,
  messageId: string,
  opts: LoreClientOptions = {},
): Promise<Buffer[]> {
  const thread = await new LoreClient(loreUrl, opts).thread(messageId);
  if (!thread || thread.length === 0) {
    throw new BotError('NOT_FOUND', `<${messageId.replace(/^<|>$/g, '')}> is not on ${loreUrl}`);
  }
  return thread;
}

/** Whether lore already has a message (the outbox checks a mail reached the list). */
export async function hasMessageId(
  loreUrl: string,
  messageId: string,
  opts: LoreClientOptions = {},
): Promise<boolean> {
  return (await new LoreClient(loreUrl, opts).raw(messageId)) !== undefined;
}
