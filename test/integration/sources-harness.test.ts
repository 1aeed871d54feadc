import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dovecot, startDovecot } from '../helpers/dovecot.js';
import { LORE_MAILS, type PublicInbox, startPublicInbox } from '../helpers/public-inbox.js';

const v2 = readdirSync(LORE_MAILS)
  .filter((f) => /^000\d-.*\.eml$/.test(f))
  .map((f) => join(LORE_MAILS, f));

describe('startPublicInbox', () => {
  let pi: PublicInbox;
  beforeAll(async () => {
    pi = await startPublicInbox({ seedFiles: v2 });
  });
  afterAll(async () => pi?.stop());

  it('serves the seeded mails over HTTP and IMAP, and takes a live delivery', async () => {
    const atom = await (await fetch(`${pi.url}new.atom`)).text();
    expect(atom.match(/<entry>/g)).toHaveLength(6);
    await pi.deliver(readFileSync(join(LORE_MAILS, 'v3-0000-cover-letter.eml')));
    const raw = await fetch(`${pi.url}cover.1714986900.git.alice@example.com/raw`);
    expect(raw.status).toBe(200);
    const client = new ImapFlow({
      ...pi.imap,
      secure: false,
      doSTARTTLS: false,
      auth: { user: 'anonymous', pass: 'x' },
      logger: false,
    });
    await client.connect();
    const box = await client.mailboxOpen(pi.imap.mailbox);
    expect(box.exists).toBe(7);
    await client.logout();
  });

  it('refuses a mail the list would refuse', async () => {
    const bad = 'From: a@b\nSubject: no date\nMessage-ID: <x@y>\nTo: bpf@vger.kernel.org\n\nbody\n';
    await expect(pi.deliver(bad)).rejects.toThrow(/refused/);
  });
});

describe('startDovecot', () => {
  let dc: Dovecot;
  beforeAll(async () => {
    dc = await startDovecot({ tls: true });
  });
  afterAll(async () => dc?.stop());

  it('appends, lists and recreates a mailbox with a new UIDVALIDITY', async () => {
    const raw = readFileSync(join(LORE_MAILS, '0000-cover-letter.eml'));
    const uid = await dc.append(raw, {
      mailbox: 'Lists/bpf',
      date: new Date('2024-05-02T09:15:02Z'),
    });
    expect(uid).toBe(1);
    const got = await dc.messages('Lists/bpf');
    expect(got.map((m) => m.messageId)).toEqual(['<cover.1714641300.git.alice@example.com>']);
    const { before, after } = await dc.recreateMailbox('Lists/bpf');
    expect(after).not.toBe(before);
    expect(await dc.messages('Lists/bpf')).toEqual([]);
  });

  it('speaks implicit TLS and STARTTLS with the generated CA', async () => {
    for (const opts of [
      { port: dc.tlsPort, secure: true },
      { port: dc.port, secure: false, doSTARTTLS: true },
    ]) {
      const c = new ImapFlow(dc.clientOptions({ ...opts, tls: { ca: dc.ca } }));
      await c.connect();
      expect(c.secureConnection || opts.doSTARTTLS).toBeTruthy();
      await c.logout();
    }
  });
});
