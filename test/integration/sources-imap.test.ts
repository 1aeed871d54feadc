import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ImapSource } from '../../src/config/sections/sources.js';
import { listSeries } from '../../src/series/store.js';
import { imapHasMessageId } from '../../src/sources/imap/connect.js';
import { createImapPoller } from '../../src/sources/imap/poller.js';
import { type Dovecot, startDovecot } from '../helpers/dovecot.js';
import { type PublicInbox, startPublicInbox } from '../helpers/public-inbox.js';
import { loreFiles, loreMails, newStore, type TestStore } from '../helpers/sources-store.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';

const ENV = { IMAP_PASSWORD: 'secret' };

describe('IMAP source against a real Dovecot', () => {
  let dc: Dovecot;
  let store: TestStore;
  beforeAll(async () => {
    dc = await startDovecot({ tls: true });
  });
  afterAll(async () => dc?.stop());
  afterEach(() => store?.close());
  const config = (over: Record<string, unknown> = {}) =>
    ImapSource.parse({
      host: '127.0.0.1',
      port: dc.port,
      tls: 'none',
      user: 'bot',
      passwordEnv: 'IMAP_PASSWORD',
      mailbox: 'Lists/bpf',
      timeoutSeconds: 5,
      ...over,
    });

  it('one poll stores an appended series; idle is one SELECT; UIDVALIDITY change loses and doubles nothing', async () => {
    store = newStore();
    for (const raw of loreMails('v2')) await dc.append(raw, { mailbox: 'Lists/bpf' });
    const p = createImapPoller(config(), ENV);
    try {
      const first = await p.poll(store.ctx);
      expect(first.error).toBeUndefined();
      expect(first.stored).toHaveLength(6);
      expect(listSeries(store.db)[0]).toMatchObject({ complete: true, total: 3, version: 2 });
      expect(await p.poll(store.ctx)).toMatchObject({ requests: 1, stored: [] });

      // The server renumbers: same mail (and one new series) under a new UIDVALIDITY.
      await p.close();
      const { before, after } = await dc.recreateMailbox('Lists/bpf');
      expect(after).not.toBe(before);
      for (const raw of [...loreMails('v2'), ...loreMails('v3')]) {
        await dc.append(raw, { mailbox: 'Lists/bpf' });
      }
      const resync = await p.poll(store.ctx);
      expect(resync.error).toBeUndefined();
      expect(resync.stored).toHaveLength(4);
      expect(resync.duplicates).toBe(6);
      expect(store.counts()).toMatchObject({ messages: 10, series: 2, rejected: 0 });
      expect(await p.poll(store.ctx)).toMatchObject({ requests: 1, stored: [] });
    } finally {
      await p.close();
    }
  });

  it('a connection dropped mid-FETCH loses nothing: the next poll completes the mailbox', async () => {
    store = newStore();
    await dc.recreateMailbox('Lists/bpf');
    for (const raw of loreMails('v2')) await dc.append(raw, { mailbox: 'Lists/bpf' });
    const proxy = await startTcpProxy(dc.port);
    const p = createImapPoller(config({ port: proxy.port }), ENV);
    try {
      proxy.cutWhen(/BODY\[\] \{\d+\}/);
      const cut = await p.poll(store.ctx);
      expect(proxy.cuts).toBe(1);
      expect(cut.error?.code).toBeDefined();
      const again = await p.poll(store.ctx);
      expect(again.error).toBeUndefined();
      expect(store.counts()).toMatchObject({ messages: 6, series: 1, rejected: 0 });
    } finally {
      await p.close();
      await proxy.stop();
    }
  });

  it('implicit TLS and STARTTLS from config; imapHasMessageId', async () => {
    const ca = join(dc.dir, 'cert.pem');
    writeFileSync(ca, dc.ca ?? '');
    for (const over of [
      { port: dc.tlsPort, tls: 'tls', caFile: ca },
      { port: dc.port, tls: 'starttls', allowSelfSigned: true },
    ]) {
      const cfg = config(over);
      expect(await imapHasMessageId(cfg, '<cover.1714641300.git.alice@example.com>', ENV)).toBe(
        true,
      );
      expect(await imapHasMessageId(cfg, 'nope@example.org', ENV)).toBe(false);
    }
    await expect(imapHasMessageId(config({ tls: 'tls' }), 'x@y', ENV)).rejects.toThrow(
      /IMAP_FAILED|IMAP/,
    );
  });
});

describe('IMAP source against public-inbox-imapd', () => {
  let pi: PublicInbox;
  let store: TestStore;
  beforeAll(async () => {
    pi = await startPublicInbox({ seedFiles: loreFiles('v2'), indexLevel: 'basic' });
  });
  afterAll(async () => pi?.stop());
  afterEach(() => store?.close());

  it('reads org.kernel.vger.bpf.0 (any login) and sees new mail on the next poll', async () => {
    store = newStore();
    const cfg = ImapSource.parse({
      host: pi.imap.host,
      port: pi.imap.port,
      tls: 'none',
      user: 'anonymous',
      passwordEnv: 'IMAP_PASSWORD',
      mailbox: pi.imap.mailbox,
    });
    const p = createImapPoller(cfg, ENV);
    try {
      expect((await p.poll(store.ctx)).stored).toHaveLength(6);
      const waited = p.waitForMail(60_000);
      await pi.importMails(loreMails('v3'));
      // IDLE reports the new mail (EXISTS) before the 60 s fallback would fire.
      expect(await waited).toBe('mail');
      const r = await p.poll(store.ctx);
      expect(r.error).toBeUndefined();
      expect(r.stored).toHaveLength(4);
      expect(store.counts()).toMatchObject({ messages: 10, series: 2 });
    } finally {
      await p.close();
    }
  });
});
