import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open.js';
import { daemonSetup, mailEveryVerdict, requireBuild, spawnCli } from '../helpers/daemon-cli.js';
import { type Dovecot, imapSource, startDovecot } from '../helpers/dovecot.js';
import { mail, series } from '../helpers/mail-builder.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';

/**
 * Retest on demand, through the real mail path: the bot's reply goes out over SMTP into
 * the list's Dovecot mailbox, maintainers answer in the thread, and the next
 * `run --once` reads it all back over IMAP. Only an allowed sender's unquoted
 * `bpfci: retest` queues the series again, once a day here; the bot's own reply, which
 * quotes the command for maintainers, never does.
 */
const LIST = 'Lists/bpf';
const MAINTAINER = 'Martin Maint <maint@example.org>';
let dc: Dovecot;
let smtp: SmtpSink;

beforeAll(async () => {
  requireBuild();
  dc = await startDovecot();
  smtp = await startSmtpSink((raw) => dc.append(raw, { mailbox: LIST }));
  for (const m of series('flaky', 1, 2)) await dc.append(m, { mailbox: LIST });
});

afterAll(async () => {
  await smtp?.stop();
  await dc?.stop();
});

const reply = (id: string, from: string, body: string) =>
  mail({
    id,
    from,
    subject: 'Re: [PATCH bpf-next 1/2] flaky: part 1',
    inReplyTo: 'flaky-v1-1@example.com',
    references: ['flaky-v1-cover@example.com', 'flaky-v1-1@example.com'],
    body,
  });

describe('e2e: `bpfci: retest` in a reply, and `bpfci retest`', () => {
  it('queues the series again for an allowed sender only, rate-limited, never for itself', async () => {
    const setup = daemonSetup({
      sources: { imap: imapSource(dc, LIST) },
      report: mailEveryVerdict(smtp.port),
      daemon: {
        minFreeDiskGb: 0,
        mailCommands: { allow: ['maint@example.org'], retestsPerDay: 1 },
      },
    });
    const env = { IMAP_PASSWORD: dc.password };
    const once = async () => {
      const run = spawnCli(setup, ['run', '--once'], env);
      expect(await run.exit, run.stderr().slice(-3000)).toBe(0);
    };
    await once();
    const db = openDatabase(join(setup.stateDir, 'bpfci.sqlite'));
    const job = () =>
      db.prepare<[], { id: number; state: string; trigger: string }>('SELECT * FROM jobs').get();
    expect(job()).toMatchObject({ state: 'done', trigger: 'posted' });
    // The bot's reply tells maintainers how to retest, on a line of its own.
    const [sent] = await Promise.all(smtp.received.map((m) => simpleParser(m.raw)));
    expect(sent?.text).toMatch(/^ {4}bpfci: retest$/m);

    for (const m of [
      reply('quoted@example.org', MAINTAINER, '> bpfci: retest\n\nI agree.\n'),
      reply('stranger@example.org', 'Eve <eve@example.org>', 'bpfci: retest\n'),
      reply('unknown@example.org', MAINTAINER, 'bpfci: frobnicate\n'),
      reply('retest@example.org', MAINTAINER, 'Looks like a flake to me.\n\nbpfci: retest\n'),
    ]) {
      await dc.append(m, { mailbox: LIST });
    }
    await once();
    const commands = Object.fromEntries(
      db
        .prepare<[], { message_id: string; state: string; note: string }>(
          'SELECT message_id, state, note FROM mail_commands',
        )
        .all()
        .map((c) => [c.message_id, `${c.state}: ${c.note}`]),
    );
    const botReply = sent?.messageId?.replace(/^<|>$/g, '') as string;
    expect(commands).toEqual({
      [botReply]: "ignored: the bot's own mail",
      'stranger@example.org': 'refused: the sender may not command the bot',
      'unknown@example.org': 'unknown: not a command',
      'retest@example.org': `obeyed: job ${job()?.id} queued again`,
    });
    // The retest ran (the test pipeline started the job twice) and says why.
    expect(job()).toMatchObject({ state: 'done', trigger: 'retest by maint@example.org' });
    const starts = readFileSync(setup.trace, 'utf8').match(/^start /gm) ?? [];
    expect(starts).toHaveLength(2);
    // Its reply is a mail of its own, in the same thread, saying it is a retest.
    expect(smtp.received).toHaveLength(2);
    const again = await simpleParser(smtp.received[1]?.raw as Buffer);
    expect(again.messageId).not.toBe(sent?.messageId);
    expect(again.inReplyTo).toBe(sent?.inReplyTo);
    expect(again.text).toContain(
      'This is retest 1 of this revision (retest by maint@example.org).',
    );

    // A second retest the same day is refused by the rate limit, and logged, not mailed.
    const mailed = smtp.received.length;
    await dc.append(reply('again@example.org', MAINTAINER, 'bpfci: retest\n'), { mailbox: LIST });
    await once();
    expect(
      db
        .prepare("SELECT state, note FROM mail_commands WHERE message_id = 'again@example.org'")
        .get(),
    ).toEqual({ state: 'refused', note: 'rate limit: 1 retests a day' });
    expect(smtp.received.length).toBe(mailed);

    // The operator's retest: by series id, by a Message-ID of the thread; not twice.
    const cli = spawnCli(setup, ['retest', '<flaky-v1-2@example.com>'], env);
    expect(await cli.exit, cli.stderr()).toBe(0);
    expect(cli.stdout()).toMatch(
      /^series \d+: job \d+ queued \(retest by \S+ \(bpfci retest\)\)$/m,
    );
    const twice = spawnCli(setup, ['retest', '1'], env);
    expect(await twice.exit).toBe(64);
    expect(twice.stderr()).toContain('is queued already');
    const status = spawnCli(setup, ['status'], env);
    expect(await status.exit).toBe(0);
    expect(status.stdout()).toMatch(/^ {2}job \d+ series 1 .*\(retest by \S+ \(bpfci retest\)\)$/m);
    const missing = spawnCli(setup, ['retest', '<nobody@example.org>'], env);
    expect(await missing.exit).toBe(64);
    db.close();
  });
});
