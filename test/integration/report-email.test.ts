import { simpleParser } from 'mailparser';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import type { AppContext } from '../../src/context.js';
import { deliverOutbox } from '../../src/report/deliver.js';
import { enqueueReports } from '../../src/report/enqueue.js';
import { createSmtpTransport, type EmailTransport } from '../../src/report/smtp.js';
import type { ReportSeries } from '../../src/report/types.js';
import { type Dovecot, startDovecot } from '../helpers/dovecot.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';
import { NOW, RUN_URL, reportConfig, SCENARIOS, series } from '../unit/report/scenarios.js';
import { outboxRows, type TestState, testClock, testState } from './report/harness.js';

let dc: Dovecot;
let smtp: SmtpSink;
let state: TestState;
let ctx: AppContext;

const VERIFY = 600;
/** The list as the bot's subscriber mailbox sees it: replies Cc the list and land here. */
const LIST = 'Lists/bpf';

function config(): Config {
  const c = reportConfig();
  c.sources = {}; // email only here: checks are covered by report-checks.test.ts
  if (!c.report.email) throw new Error('fixture config has email');
  c.report.email.smtp = { ...c.report.email.smtp, host: '127.0.0.1', port: smtp.port, tls: 'none' };
  c.report.email.verifyDelaySeconds = VERIFY;
  c.report.sendRetries = 2;
  c.report.retryBaseSeconds = 60;
  return c;
}

/** The list lookup the daemon gets from the sources: here, the Dovecot mailbox. */
const onTheList = async (messageId: string) =>
  (await dc.messages(LIST)).some((m) => m.messageId === messageId);

async function inbox() {
  return Promise.all((await dc.messages(LIST)).map((m) => simpleParser(m.raw)));
}

function enqueue(c: AppContext, s: ReportSeries = series(), runId = 42) {
  return enqueueReports(
    c,
    { runId, series: s, verdict: SCENARIOS['new-failure'] as never, runUrl: RUN_URL },
    NOW,
  );
}

beforeAll(async () => {
  dc = await startDovecot();
  smtp = await startSmtpSink((raw) => dc.append(raw, { mailbox: LIST }));
});
afterAll(async () => {
  await smtp?.stop();
  await dc?.stop();
});
beforeEach(async () => {
  state = testState();
  ctx = state.open(config());
  smtp.mode = 'accept';
  smtp.received.length = 0;
  await dc.recreateMailbox(LIST);
});
afterEach(() => {
  ctx.db.close();
  state.cleanup();
});

describe('report email over real SMTP into a real Dovecot', () => {
  it('sends one threaded reply that reads back over IMAP with the right headers', async () => {
    const clock = testClock();
    expect(enqueue(ctx).queued).toBe(1);
    const first = await deliverOutbox(ctx, { now: clock.now, alreadyDelivered: onTheList });
    expect(first.sent).toBe(1);
    const again = await deliverOutbox(ctx, { now: clock.now, alreadyDelivered: onTheList });
    expect(again.sent).toBe(0);
    expect(enqueue(ctx).queued).toBe(0);

    const [mail, ...more] = await inbox();
    expect(more).toHaveLength(0);
    expect(mail?.subject).toBe('Re: [PATCH bpf-next v3 0/3] bpf: Add bpf_foo_lookup() kfunc');
    expect(mail?.inReplyTo).toBe('<20261124-bpf-foo-lookup-v3-0@example.org>');
    expect(mail?.references).toBe('<20261124-bpf-foo-lookup-v3-0@example.org>');
    expect(mail?.messageId).toMatch(/^<bpfci-42-[0-9a-f]{8}@ci\.example\.org>$/);
    expect(mail?.headers.get('content-transfer-encoding')).toBe('7bit');
    expect(mail?.html).toBe(false);
    expect(mail?.text).toContain('First new failure: test_progs: bpf_cookie/perf_event');
    expect(smtp.received[0]?.rcpt.sort()).toEqual(['alice@example.org', 'bpf@vger.kernel.org']);
  });

  it('turns a subject carrying CRLF and header injections into a clean reply', async () => {
    const evil: ReportSeries = {
      ...series(),
      submitter: { name: 'Mallory\r\nBcc: victim@example.org', addr: 'mallory@example.org' },
      coverSubject:
        '=?UTF-8?Q?[PATCH]_x=0D=0ABcc:_encoded@example.org?=\r\nBcc: raw@example.org\r\n\r\nfake body',
    };
    enqueue(ctx, evil);
    expect((await deliverOutbox(ctx, { now: testClock().now })).sent).toBe(1);
    const [mail] = await inbox();
    expect(mail?.subject).toBe(
      'Re: [PATCH] x Bcc: encoded@example.org Bcc: raw@example.org fake body',
    );
    expect(mail?.headers.has('bcc')).toBe(false);
    expect(smtp.received[0]?.rcpt.sort()).toEqual(['bpf@vger.kernel.org', 'mallory@example.org']);
    const rawHead = smtp.received[0]?.raw.toString().split('\r\n\r\n')[0] ?? '';
    expect(rawHead).not.toMatch(/^Bcc:/im);
  });

  it('retries a 4xx with backoff and delivers exactly one copy', async () => {
    const clock = testClock();
    enqueue(ctx);
    smtp.mode = '4xx';
    expect((await deliverOutbox(ctx, { now: clock.now })).retry).toBe(1);
    expect(outboxRows(ctx)[0]).toMatchObject({ state: 'pending', attempts: 1, in_flight: 0 });
    expect(outboxRows(ctx)[0]?.last_error).toMatch(/451/);
    // Not due yet: nothing is attempted.
    expect((await deliverOutbox(ctx, { now: clock.now })).retry).toBe(0);
    expect(smtp.received).toHaveLength(1);
    smtp.mode = 'accept';
    clock.advance(61);
    expect((await deliverOutbox(ctx, { now: clock.now })).sent).toBe(1);
    expect(await inbox()).toHaveLength(1);
  });

  it('marks a 5xx failed at once and keeps it visible', async () => {
    enqueue(ctx);
    smtp.mode = '5xx';
    const summary = await deliverOutbox(ctx, { now: testClock().now });
    expect(summary).toMatchObject({ failed: 1, failedTotal: 1 });
    expect(outboxRows(ctx)[0]).toMatchObject({ state: 'failed', attempts: 1 });
    expect(outboxRows(ctx)[0]?.last_error).toMatch(/550/);
    expect(await inbox()).toHaveLength(0);
  });

  it('gives up after the configured retries and says so', async () => {
    const clock = testClock();
    enqueue(ctx);
    smtp.mode = '4xx';
    const results = [];
    for (let i = 0; i < 4; i++) {
      results.push(await deliverOutbox(ctx, { now: clock.now }));
      clock.advance(3600);
    }
    expect(results.map((r) => r.retry + r.failed * 10)).toEqual([1, 1, 10, 0]);
    expect(smtp.received).toHaveLength(3); // 1 + sendRetries
    expect(outboxRows(ctx)[0]).toMatchObject({ state: 'failed', attempts: 3 });
  });

  it('after a connection cut past DATA, finds the mail on the list instead of resending', async () => {
    const clock = testClock();
    enqueue(ctx);
    smtp.mode = 'accept-drop';
    expect((await deliverOutbox(ctx, { now: clock.now, alreadyDelivered: onTheList })).retry).toBe(
      1,
    );
    expect(outboxRows(ctx)[0]).toMatchObject({ state: 'pending', in_flight: 1 });
    smtp.mode = 'accept';
    clock.advance(VERIFY + 1);
    const summary = await deliverOutbox(ctx, { now: clock.now, alreadyDelivered: onTheList });
    expect(summary.sent).toBe(1);
    expect(smtp.received).toHaveLength(1);
    expect(await inbox()).toHaveLength(1);
    expect(outboxRows(ctx)[0]?.note).toMatch(/found on the list/);
  });

  it('after a connection cut that lost the mail, sends it again exactly once', async () => {
    const clock = testClock();
    enqueue(ctx);
    smtp.mode = 'drop';
    await deliverOutbox(ctx, { now: clock.now, alreadyDelivered: onTheList });
    smtp.mode = 'accept';
    clock.advance(60);
    // Too early to trust the list: it waits.
    expect(
      (await deliverOutbox(ctx, { now: clock.now, alreadyDelivered: onTheList })).waiting,
    ).toBe(0);
    expect(smtp.received).toHaveLength(1);
    clock.advance(VERIFY);
    expect((await deliverOutbox(ctx, { now: clock.now, alreadyDelivered: onTheList })).sent).toBe(
      1,
    );
    expect(smtp.received).toHaveLength(2);
    expect(await inbox()).toHaveLength(1);
  });
});

describe('crashes around the send', () => {
  it('a crash inside the verdict transaction leaves no report; after the commit it is sent once', async () => {
    ctx.db.exec('CREATE TABLE IF NOT EXISTS verdict_probe (run_id INTEGER PRIMARY KEY)');
    const store = ctx.db.transaction((crash: boolean) => {
      ctx.db.prepare('INSERT INTO verdict_probe (run_id) VALUES (42)').run();
      enqueue(ctx);
      if (crash) throw new Error('killed before commit');
    });
    expect(() => store(true)).toThrow(/killed/);
    expect(outboxRows(ctx)).toHaveLength(0);
    store(false);
    // Killed between the verdict commit and the send: a restart finds the row.
    ctx.db.close();
    ctx = state.open(config());
    expect(outboxRows(ctx).map((r) => r.state)).toEqual(['pending']);
    expect((await deliverOutbox(ctx, { now: testClock().now })).sent).toBe(1);
    expect(await inbox()).toHaveLength(1);
  });

  it('a crash after the SMTP accept and before the commit never sends twice', async () => {
    const clock = testClock();
    enqueue(ctx);
    // The process "dies" right after the server accepted: the send never returns
    // and nothing more is written, exactly like a SIGKILL at that point.
    const real = createSmtpTransport(ctx.config.report.email as never, 10);
    let accepted = false;
    const dying: EmailTransport = {
      async send(email) {
        await real.send(email);
        accepted = true;
        await new Promise(() => {});
      },
      close: () => real.close(),
    };
    void deliverOutbox(ctx, { now: clock.now, email: dying });
    await expect.poll(() => accepted, { timeout: 20_000 }).toBe(true);
    ctx.db.close();
    real.close();

    ctx = state.open(config());
    expect(outboxRows(ctx)[0]).toMatchObject({ state: 'pending', attempts: 1, in_flight: 1 });
    // Without a list lookup it cannot know: it refuses to risk a duplicate, and says so.
    const blind = state.open(config());
    blind.db.exec('SAVEPOINT probe');
    expect(
      (await deliverOutbox(blind, { now: () => new Date(clock.now().getTime() + VERIFY * 2000) }))
        .failed,
    ).toBe(1);
    blind.db.exec('ROLLBACK TO probe');
    blind.db.exec('RELEASE probe');
    blind.db.close();
    // With the lookup, after the verify delay: found on the list, not resent.
    clock.advance(VERIFY + 1);
    expect((await deliverOutbox(ctx, { now: clock.now, alreadyDelivered: onTheList })).sent).toBe(
      1,
    );
    expect(smtp.received).toHaveLength(1);
    expect(await inbox()).toHaveLength(1);
  });
});
