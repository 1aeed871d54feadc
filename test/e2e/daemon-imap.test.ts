import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open.js';
import { daemonSetup, requireBuild, spawnCli } from '../helpers/daemon-cli.js';
import { until } from '../helpers/daemon-deps.js';
import { type Dovecot, imapSource, startDovecot } from '../helpers/dovecot.js';
import { LORE_MAILS } from '../helpers/public-inbox.js';

/**
 * The IMAP poller keeps its connection (and IDLE) between polls. Neither
 * `run --once` nor a daemon stopped by SIGTERM may be kept alive by it: found when
 * the kernel end to end subscribed to the list over IMAP and `run --once` never
 * returned.
 */
const LIST = 'Lists/bpf';
let dc: Dovecot;

beforeAll(async () => {
  requireBuild();
  dc = await startDovecot();
  for (const f of [
    '0000-cover-letter.eml',
    '0001-bpf-reject-oversized.eml',
    '0002-bpf-return-consumed-size.eml',
    '0003-selftests-bpf-add-tests.eml',
  ]) {
    await dc.append(readFileSync(join(LORE_MAILS, f)), { mailbox: LIST });
  }
});

afterAll(async () => {
  await dc?.stop();
});

function imapSetup() {
  return daemonSetup({
    sources: {
      imap: { ...imapSource(dc, LIST), idle: true },
    },
    daemon: { minFreeDiskGb: 0, idleSeconds: 1, shutdownGraceSeconds: 1 },
  });
}

describe('e2e: an IMAP subscription does not keep the bot alive', () => {
  it('run --once polls over IMAP, runs the job and exits', async () => {
    const once = spawnCli(imapSetup(), ['run', '--once'], { IMAP_PASSWORD: dc.password });
    const timer = setTimeout(() => once.child.kill('SIGKILL'), 60_000);
    const code = await once.exit;
    clearTimeout(timer);
    expect(code, once.stderr().slice(-3000)).toBe(0);
    expect(JSON.parse(once.stdout())).toMatchObject({
      polled: [{ source: 'imap', ok: true }],
      jobs: { done: 1 },
    });
  });

  it('the daemon, idling on IMAP, exits 0 on SIGTERM', async () => {
    const setup = imapSetup();
    const daemon = spawnCli(setup, ['run'], { IMAP_PASSWORD: dc.password });
    const db = openDatabase(join(setup.stateDir, 'bpfci.sqlite'));
    const okPolls = () =>
      db
        .prepare<[], { n: number }>(
          "SELECT COUNT(*) AS n FROM source_polls WHERE source = 'imap' AND last_ok_at IS NOT NULL",
        )
        .get()?.n ?? 0;
    // A poll that ended well: the poller now holds its connection, idling.
    await until(() => daemon.stderr().includes('daemon started') && okPolls() === 1, 30_000, 100);
    db.close();
    daemon.child.kill('SIGTERM');
    const timer = setTimeout(() => daemon.child.kill('SIGKILL'), 30_000);
    const code = await daemon.exit;
    clearTimeout(timer);
    expect(code, daemon.stderr().slice(-3000)).toBe(0);
  });
});
