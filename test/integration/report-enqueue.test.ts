import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context.js';
import { deliverOutbox } from '../../src/report/deliver.js';
import { enqueueReports } from '../../src/report/enqueue.js';
import { NOW, RUN_URL, reportConfig, SCENARIOS, series } from '../unit/report/scenarios.js';
import { outboxRows, type TestState, testState } from './report/harness.js';

let state: TestState;
let ctx: AppContext;

const emails = () => outboxRows(ctx).filter((r) => r.kind === 'email');
const report = (runId: number, verdict: keyof typeof SCENARIOS, s = series()) =>
  enqueueReports(
    ctx,
    { runId, series: s, verdict: SCENARIOS[verdict] as never, runUrl: RUN_URL },
    NOW,
  );

beforeEach(() => {
  state = testState();
  const config = reportConfig({ sources: {} });
  if (config.report.email) config.report.email.maxPerSeries = 2;
  ctx = state.open(config);
});
afterEach(() => {
  ctx.db.close();
  state.cleanup();
});

describe('enqueueing reports (real SQLite)', () => {
  it('records why a mail is not sent instead of dropping it', () => {
    report(1, 'success');
    report(2, 'pre-existing-only');
    report(3, 'infra');
    expect(emails().map((r) => [r.state, r.note])).toEqual([
      ['skipped', 'success (policy: failure-only)'],
      ['skipped', 'only flaky or pre-existing failures (mailWarnings: false)'],
      ['skipped', 'infrastructure outcome (mailInfra: false)'],
    ]);
  });

  it('limits mails per series; the next series is not affected', () => {
    for (const run of [1, 2, 3]) report(run, 'new-failure');
    report(4, 'new-failure', { ...series(), id: 99 });
    expect(emails().map((r) => r.state)).toEqual(['pending', 'pending', 'skipped', 'pending']);
    expect(emails()[2]?.note).toBe('rate limit: 2 per series');
  });

  it('a run retried after an infra outcome still owes its real report, under another Message-ID', () => {
    report(7, 'infra');
    report(7, 'new-failure');
    report(7, 'new-failure');
    const rows = ctx.db
      .prepare(`SELECT state, message_id FROM outbox WHERE kind = 'email' ORDER BY id`)
      .all() as {
      state: string;
      message_id: string;
    }[];
    expect(rows.map((r) => r.state)).toEqual(['skipped', 'pending']);
    expect(rows[0]?.message_id).not.toBe(rows[1]?.message_id);
  });

  it('one report per infra attempt; only the one with no retry after it is mailed', () => {
    if (ctx.config.report.email) ctx.config.report.email.mailInfra = true;
    const attempt = (n: number, nextAt?: string) =>
      enqueueReports(
        ctx,
        {
          runId: 8,
          series: series(),
          verdict: SCENARIOS.infra as never,
          runUrl: RUN_URL,
          retry: { attempt: n, maxAttempts: 2, ...(nextAt && { nextAt }) },
        },
        NOW,
      );
    attempt(1, '2026-11-24T13:05:00.000Z');
    attempt(1, '2026-11-24T13:05:00.000Z'); // the same attempt again: nothing new
    attempt(2);
    const rows = ctx.db
      .prepare(
        `SELECT state, note, message_id, payload FROM outbox WHERE kind = 'email' ORDER BY id`,
      )
      .all() as { state: string; note: string | null; message_id: string; payload: string }[];
    expect(rows.map((r) => [r.state, r.note])).toEqual([
      [
        'skipped',
        'infrastructure outcome, tried again after 2026-11-24 13:05 UTC: only the last attempt is mailed',
      ],
      ['pending', null],
    ]);
    expect(new Set(rows.map((r) => r.message_id)).size).toBe(2);
    const [retried, last] = rows.map((r) => JSON.parse(r.payload).text as string);
    expect(retried).toContain('bpfci will test it again after');
    expect(last).toContain('bpfci gave up after 2 attempts');
  });

  it('records a series it cannot reply to (bad Message-IDs everywhere)', () => {
    const s = series();
    const broken = {
      ...s,
      coverMessageId: 'not a message id',
      patches: s.patches.map((p) => ({ ...p, messageId: '<x>\r\nBcc: y@z>' })),
    };
    report(1, 'new-failure', broken);
    expect(emails().map((r) => [r.state, r.note])).toEqual([
      ['skipped', 'no valid Message-ID to reply to'],
    ]);
  });

  it('a broken SMTP secret fails that mail with the reason and does not stop the pass', async () => {
    const email = ctx.config.report.email;
    if (!email) throw new Error('fixture config has email');
    email.smtp = { ...email.smtp, user: 'bot', passwordEnv: 'BPFCI_TEST_MISSING_PASSWORD' };
    report(1, 'new-failure');
    report(2, 'new-failure', { ...series(), id: 98 });
    const summary = await deliverOutbox(ctx, { now: () => NOW });
    expect(summary).toMatchObject({ failed: 2, failedTotal: 2, sent: 0 });
    expect(emails().map((r) => r.last_error)).toEqual([
      expect.stringMatching(/passwordEnv: BPFCI_TEST_MISSING_PASSWORD is empty/),
      expect.stringMatching(/passwordEnv/),
    ]);
  });
});
