import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerImport } from '../../src/cli/import.js';
import { ImapSource } from '../../src/config/sections/sources.js';
import { sha256Hex } from '../../src/mail/parse.js';
import { importFiles } from '../../src/series/import-files.js';
import { readPatchMbox } from '../../src/series/patch-mbox.js';
import { listSeries, type StoredSeries } from '../../src/series/store.js';
import { createImapPoller } from '../../src/sources/imap/poller.js';
import { rawMessageId } from '../../src/sources/raw-message-id.js';
import { runCliInProcess } from '../helpers/cli-in-process.js';
import { type Dovecot, startDovecot } from '../helpers/dovecot.js';
import { type PublicInbox, startPublicInbox } from '../helpers/public-inbox.js';
import { loreMails, newStore } from '../helpers/sources-store.js';

/** What the list's MTA adds on the way into the bot's mailbox. */
function viaMta(raw: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(
      'Return-Path: <bpf+bounces@vger.kernel.org>\nX-Original-To: bot@example.org\nReceived: from smtp.subspace.kernel.org by mx.example.org; Thu, 2 May 2024 09:15:01 +0000\n',
    ),
    raw,
  ]);
}

describe('the same mail through IMAP (real Dovecot) and lore (real public-inbox), then bpfci import', () => {
  let dc: Dovecot;
  let pi: PublicInbox;
  beforeAll(async () => {
    dc = await startDovecot();
    pi = await startPublicInbox({ indexLevel: 'basic' });
  });
  afterAll(async () => {
    await Promise.all([dc?.stop(), pi?.stop()]);
  });

  it('is one message: the second copy is a duplicate, not a rejection; a different patch under the id never replaces it', async () => {
    const series = loreMails('v2-series');
    await pi.importMails(series);
    for (const raw of series) await dc.append(viaMta(raw), { mailbox: 'Lists/bpf' });
    const store = newStore();
    const poller = createImapPoller(
      ImapSource.parse({
        host: '127.0.0.1',
        port: dc.port,
        tls: 'none',
        user: 'bot',
        passwordEnv: 'IMAP_PASSWORD',
        mailbox: 'Lists/bpf',
        timeoutSeconds: 5,
      }),
      { IMAP_PASSWORD: 'secret' },
    );
    try {
      await poller.poll(store.ctx);
    } finally {
      await poller.close();
    }
    expect(store.counts()).toEqual({ messages: 4, series: 1, rejected: 0 });
    const before = readPatchMbox(listSeries(store.db)[0] as StoredSeries);

    // lore's copy of the same four mails, as `b4 mbox` or a maintainer would save it.
    const dir = mkdtempSync(join(tmpdir(), 'bpfci-same-'));
    const loreCopies = await Promise.all(
      series.map(async (raw) => {
        const res = await fetch(`${pi.url}${encodeURIComponent(rawMessageId(raw))}/raw`);
        expect(res.status).toBe(200);
        return Buffer.from(await res.arrayBuffer());
      }),
    );
    const imapCopies = (await dc.messages('Lists/bpf')).map((m) => Buffer.from(m.raw));
    expect(loreCopies.map(sha256Hex)).not.toEqual(imapCopies.map(sha256Hex));
    const files = loreCopies.map((raw, i) => {
      const file = join(dir, `${i}.eml`);
      writeFileSync(file, raw);
      return file;
    });
    const configFile = join(dir, 'bpfci.yaml');
    writeFileSync(configFile, `version: 1\nstate: { dir: ${store.ctx.stateDir} }\n`);
    process.env.BPFCI_LOG_LEVEL = 'silent';
    const imported = await runCliInProcess(registerImport, ['-c', configFile, 'import', ...files]);
    expect(imported.code).toBe(0);
    expect(imported.out.match(/1 message\(s\): 0 stored, 1 duplicate, 0 rejected/g)).toHaveLength(
      4,
    );
    // Seen again, the copies are known at once (no second parse, no new row).
    importFiles(store.ctx, files, 'import');
    expect(store.counts()).toEqual({ messages: 4, series: 1, rejected: 0 });

    // A different patch under a known Message-ID arrives by IMAP: refused, first kept.
    const twin = Buffer.from(
      (imapCopies[1] as Buffer).toString('latin1').replace(/^\+.*$/m, '+\tevil twin;'),
      'latin1',
    );
    await dc.append(twin, { mailbox: 'Lists/bpf' });
    const evil = join(dir, 'twin.eml');
    writeFileSync(evil, twin);
    const [refused] = importFiles(store.ctx, [evil], 'import');
    expect(refused?.summary.rejected[0]?.reason).toMatch(
      /is already stored with a different patch/,
    );
    expect(readPatchMbox(listSeries(store.db)[0] as StoredSeries).equals(before)).toBe(true);
    store.close();
  });
});
