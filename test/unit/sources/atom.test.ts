import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAtom } from '../../../src/sources/lore/atom.js';

const HTTP = 'test/fixtures/lore/http';
const INBOX = 'http://lore.example.org/bpf/';

describe('parseAtom', () => {
  it('reads Message-IDs, titles and received times from the recorded feed', () => {
    const entries = parseAtom(readFileSync(`${HTTP}/after-v3/new.atom`, 'utf8'), INBOX);
    expect(entries).toHaveLength(10);
    expect(entries[0]).toEqual({
      messageId: '7273374c0e959ccbb79ec0f9c1da233d6c35a0ad.1714986900.git.alice@example.com',
      title: '[PATCH bpf-next v3 3/3] selftests/bpf: add tests for bpf_toy_helper() size checks',
      updated: '2024-05-06T09:15:04Z',
    });
    expect(entries.map((e) => e.messageId)).toContain('cover.1714641300.git.alice@example.com');
  });

  it('reads search results (x=A) the same way', () => {
    const entries = parseAtom(
      readFileSync(`${HTTP}/after-v3/search-patches-since.atom`, 'utf8'),
      INBOX,
    );
    expect(entries.map((e) => e.messageId)).toContain('cover.1714986900.git.alice@example.com');
  });

  it('decodes percent-escaped Message-IDs from entry links', () => {
    const xml = `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry><title>x</title>
      <updated>2024-05-06T09:15:04Z</updated><link href="http://h/bpf/a%2Fb+c%25d@example.com/"/></entry></feed>`;
    expect(parseAtom(xml, INBOX)[0]?.messageId).toBe('a/b+c%d@example.com');
  });

  it('an empty feed is no entries; garbage and HTML throw instead of looking empty', () => {
    const empty =
      '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title></feed>';
    expect(parseAtom(empty, INBOX)).toEqual([]);
    expect(() => parseAtom('<feed><entry><title>', INBOX)).toThrow(/HTTP_BAD_RESPONSE|XML|Atom/);
    const html = readFileSync(`${HTTP}/initial/search-nomatch.atom`, 'utf8');
    expect(() => parseAtom(html, INBOX)).toThrow(/not XML|not an Atom feed/);
    expect(() => parseAtom('{"json": true}', INBOX)).toThrow();
  });
});
