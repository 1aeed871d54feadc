import { XMLParser } from 'fast-xml-parser';
import { z } from 'zod';
import { BotError } from '../../errors.js';

/** One Atom entry of a public-inbox feed or search: the message it points at. */
export interface AtomEntry {
  messageId: string;
  title: string;
  /** ISO time the list received it (public-inbox uses the top Received: header). */
  updated: string;
}

const Entry = z.object({
  title: z.union([z.string(), z.number()]).transform(String).default(''),
  updated: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
  link: z.array(z.object({ '@_href': z.string() })).min(1),
});

const Feed = z.object({
  feed: z.object({ entry: z.array(Entry).default([]) }),
});

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Message bodies sit in <content>: never needed, never parsed into values.
  stopNodes: ['feed.entry.content'],
  isArray: (name) => name === 'entry' || name === 'link',
  processEntities: true,
  htmlEntities: false,
});

/**
 * Parses a public-inbox Atom document (new.atom or `?x=A` search results) into
 * entries, newest first as served. The Message-ID comes from the entry link
 * (`<inbox>/<percent-escaped msgid>/`). Anything that is not such a feed throws
 * HTTP_BAD_RESPONSE, so a garbage answer never looks like "nothing new".
 */
export function parseAtom(xml: string, inboxUrl: string): AtomEntry[] {
  let doc: unknown;
  try {
    doc = parser.parse(xml, true);
  } catch (err) {
    throw new BotError('HTTP_BAD_RESPONSE', `Atom feed is not XML: ${String(err).slice(0, 200)}`);
  }
  const parsed = Feed.safeParse(doc);
  if (!parsed.success) {
    throw new BotError(
      'HTTP_BAD_RESPONSE',
      `not an Atom feed: ${parsed.error.message.slice(0, 300)}`,
    );
  }
  const inboxPath = new URL(inboxUrl).pathname;
  return parsed.data.feed.entry.map((e) => {
    const href = e.link[0]?.['@_href'] ?? '';
    return { messageId: messageIdFromLink(href, inboxPath), title: e.title, updated: e.updated };
  });
}

function messageIdFromLink(href: string, inboxPath: string): string {
  const path = new URL(href, 'http://x').pathname;
  const rest = path.startsWith(inboxPath)
    ? path.slice(inboxPath.length)
    : path.replace(/^\/[^/]+\//, '');
  const id = decodeURIComponent(rest.replace(/\/$/, ''));
  if (!id) {
    throw new BotError('HTTP_BAD_RESPONSE', `Atom entry link without a Message-ID: ${href}`);
  }
  return id;
}
