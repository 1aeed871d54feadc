import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import { deliverOutbox } from '../../src/report/deliver.js';
import { enqueueReports } from '../../src/report/enqueue.js';
import { LORE_MAILS, type PublicInbox, startPublicInbox } from '../helpers/public-inbox.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';
import { NOW, RUN_URL, reportConfig, SCENARIOS, series } from '../unit/report/scenarios.js';
import { outboxRows, testClock, testState } from './report/harness.js';

/** public-inbox serves no feed for an empty inbox: seed one real mail. */
const SEED = '0000-cover-letter.eml';
let pi: PublicInbox;
let smtp: SmtpSink;

beforeAll(async () => {
  pi = await startPublicInbox({ indexLevel: 'basic', seedFiles: [`${LORE_MAILS}/${SEED}`] });
  // The SMTP server hands every accepted mail to the list (public-inbox-mda), like vger.
  smtp = await startSmtpSink((raw) => pi.deliver(raw));
});
afterAll(async () => {
  await smtp?.stop();
  await pi?.stop();
});

it('with a lore source configured, an interrupted send is found on the real public-inbox and not resent', async () => {
  const config: Config = reportConfig({ sources: { lore: { url: pi.url } } });
  if (!config.report.email) throw new Error('fixture config has email');
  config.report.email.smtp = { ...config.report.email.smtp, port: smtp.port, tls: 'none' };
  config.report.email.verifyDelaySeconds = 300;
  const state = testState();
  const ctx = state.open(config);
  try {
    const clock = testClock();
    enqueueReports(
      ctx,
      { runId: 42, series: series(), verdict: SCENARIOS['new-failure'] as never, runUrl: RUN_URL },
      NOW,
    );
    smtp.mode = 'accept-drop';
    expect((await deliverOutbox(ctx, { now: clock.now })).retry).toBe(1);
    smtp.mode = 'accept';
    clock.advance(301);
    // No lookup injected: the default one asks lore.
    expect((await deliverOutbox(ctx, { now: clock.now })).sent).toBe(1);
    expect(smtp.received).toHaveLength(1);
    expect(outboxRows(ctx)[0]?.note).toMatch(/found on the list/);
  } finally {
    ctx.db.close();
    state.cleanup();
  }
});
