import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import type { AppContext } from '../../src/context.js';
import { BotError } from '../../src/errors.js';
import { type ChecksApi, createChecksClient } from '../../src/report/checks-client.js';
import { deliverOutbox } from '../../src/report/deliver.js';
import { enqueuePending, enqueueReports } from '../../src/report/enqueue.js';
import { patchworkAccess } from '../../src/report/patchwork-access.js';
import { type PatchworkFake, startPatchworkFake } from '../helpers/patchwork-fake/index.js';
import { NOW, RUN_URL, reportConfig, SCENARIOS, series } from '../unit/report/scenarios.js';
import { outboxRows, type TestState, testClock, testState } from './report/harness.js';

const TOKEN_ENV = 'BPFCI_TEST_PW_TOKEN';
let pw: PatchworkFake;
let state: TestState;
let ctx: AppContext;

function config(): Config {
  const c = reportConfig();
  c.report.email = undefined; // checks only here: email is covered by report-email.test.ts
  c.sources = {
    patchwork: {
      ...(c.sources.patchwork as NonNullable<Config['sources']['patchwork']>),
      url: pw.base,
    },
  };
  c.report.sendRetries = 2;
  return c;
}

const input = (verdict: keyof typeof SCENARIOS, runId = 42) => ({
  runId,
  series: series(),
  verdict: SCENARIOS[verdict] as never,
  runUrl: RUN_URL,
});
const posts = () => pw.checkPosts.filter((p) => p.status === 201);
const newest = (patchId: number, context: string) =>
  pw
    .checksOf(patchId)
    .filter((c) => c.context === context)
    .at(-1);

// A fresh fake per test: checks are append-only there, like on the real server.
beforeEach(async () => {
  pw = await startPatchworkFake();
  process.env[TOKEN_ENV] = pw.token;
  state = testState();
  ctx = state.open(config());
});
afterEach(async () => {
  ctx.db.close();
  state.cleanup();
  delete process.env[TOKEN_ENV];
  await pw.stop();
});

describe('Patchwork checks against the recorded-behaviour fake', () => {
  it('posts pending at job start, then the final state, with the exact bodies, once', async () => {
    const clock = testClock();
    enqueuePending(ctx, { runId: 42, series: series(), runUrl: RUN_URL }, NOW);
    expect((await deliverOutbox(ctx, { now: clock.now })).sent).toBe(15);
    expect(posts()[0]).toMatchObject({
      patchId: 5,
      contentType: 'application/json',
      body: '{"context":"bpfci-apply","state":"pending","description":"Testing started","target_url":"https://ci.example.org/runs/42"}',
      user: 'ci-bot',
    });
    enqueueReports(ctx, input('new-failure'), NOW);
    expect((await deliverOutbox(ctx, { now: clock.now })).sent).toBe(15);
    const finals = posts().slice(15);
    expect(finals.map((p) => p.patchId)).toEqual([5, 5, 5, 5, 5, 6, 6, 6, 6, 6, 7, 7, 7, 7, 7]);
    expect(JSON.parse(finals[3]?.body ?? '{}')).toEqual({
      context: 'bpfci-test_progs-x86_64',
      state: 'fail',
      description: '1 new failure: bpf_cookie/perf_event',
      target_url: RUN_URL,
    });
    expect(newest(7, 'bpfci-test_progs-x86_64')?.state).toBe('fail');
    expect(newest(7, 'bpfci-apply')?.state).toBe('success');
    // Nothing more to do, and queueing the same verdict again adds nothing.
    expect(enqueueReports(ctx, input('new-failure'), NOW).queued).toBe(0);
    await deliverOutbox(ctx, { now: clock.now });
    expect(posts()).toHaveLength(30);
    const logged = ctx.db.prepare('SELECT count(*) AS n FROM check_log').get() as { n: number };
    expect(logged.n).toBe(15);
  });

  it('skips a pending that was overtaken by the final state before delivery', async () => {
    enqueuePending(ctx, { runId: 42, series: series(), runUrl: RUN_URL }, NOW);
    enqueueReports(ctx, input('success'), NOW);
    const summary = await deliverOutbox(ctx, { now: testClock().now });
    expect(summary).toMatchObject({ skipped: 15, sent: 15 });
    expect(posts().every((p) => !p.body.includes('"pending"'))).toBe(true);
  });

  it('never moves a final state back to pending', async () => {
    enqueueReports(ctx, input('success'), NOW);
    await deliverOutbox(ctx, { now: testClock().now });
    enqueuePending(ctx, { runId: 42, series: series(), runUrl: RUN_URL }, NOW);
    const summary = await deliverOutbox(ctx, { now: testClock().now });
    expect(summary.skipped).toBe(15);
    expect(posts()).toHaveLength(15);
    expect(outboxRows(ctx).at(-1)?.note).toMatch(/final state \(success\) is already posted/);
  });

  it('after a crash between the POST and the commit, sees its own check and does not post again', async () => {
    enqueueReports(
      ctx,
      { ...input('success'), series: { ...series(), patches: series().patches.slice(0, 1) } },
      NOW,
    );
    const access = patchworkAccess(ctx.config);
    if (!access) throw new Error('configured');
    const real = createChecksClient(access, 10_000);
    let posted = 0;
    const dying: ChecksApi = {
      latest: (id, c) => real.latest(id, c),
      async post(check) {
        await real.post(check);
        posted += 1;
        await new Promise(() => {}); // killed here: no reply, no commit
      },
    };
    void deliverOutbox(ctx, { now: testClock().now, checks: dying });
    await expect.poll(() => posted, { timeout: 20_000 }).toBe(1);
    ctx.db.close();
    ctx = state.open(config());
    expect(outboxRows(ctx)[0]).toMatchObject({ state: 'pending', in_flight: 1, attempts: 1 });
    const summary = await deliverOutbox(ctx, { now: testClock().now });
    expect(summary.sent).toBe(5);
    expect(posts()).toHaveLength(5); // the first one once, then the other four
    expect(outboxRows(ctx)[0]?.note).toBe('already on Patchwork');
  });

  it('retries a 500 with backoff and posts exactly once', async () => {
    const clock = testClock();
    enqueueReports(
      ctx,
      { ...input('success'), series: { ...series(), patches: series().patches.slice(0, 1) } },
      NOW,
    );
    pw.fault({ kind: 'status', status: 500 }, { times: 1, match: /checks\/$/ });
    pw.fault({ kind: 'status', status: 500 }, { times: 1, match: /checks\/\?/ });
    const first = await deliverOutbox(ctx, { now: clock.now });
    expect(first).toMatchObject({ retry: 2, sent: 3 });
    expect(
      outboxRows(ctx)
        .filter((r) => r.state === 'pending')
        .map((r) => r.last_error),
    ).toEqual([expect.stringMatching(/500/), expect.stringMatching(/500/)]);
    clock.advance(61);
    expect((await deliverOutbox(ctx, { now: clock.now })).sent).toBe(2);
    const contexts = posts().map((p) => JSON.parse(p.body).context);
    expect(new Set(contexts).size).toBe(contexts.length);
    expect(contexts).toHaveLength(5);
  });

  it('marks a 403 failed at once and shows it', async () => {
    process.env[TOKEN_ENV] = pw.outsiderToken;
    enqueueReports(
      ctx,
      { ...input('success'), series: { ...series(), patches: series().patches.slice(0, 1) } },
      NOW,
    );
    const summary = await deliverOutbox(ctx, { now: testClock().now });
    expect(summary).toMatchObject({ failed: 5, failedTotal: 5, sent: 0 });
    expect(outboxRows(ctx)[0]?.last_error).toMatch(/403 .*permission/);
    expect(pw.checkPosts.map((p) => p.status)).toEqual([403, 403, 403, 403, 403]);
  });

  it('never follows a redirect on POST', async () => {
    const access = patchworkAccess(ctx.config);
    if (!access) throw new Error('configured');
    pw.fault({ kind: 'status', status: 301 }, { times: 1, match: /checks\/$/ });
    const client = createChecksClient(access, 10_000);
    const err = await client
      .post({
        patchId: 5,
        context: 'bpfci-apply',
        state: 'success',
        description: 'x',
        target_url: RUN_URL,
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BotError);
    expect((err as BotError).code).toBe('HTTP_REJECTED');
    expect(pw.requests.map((r) => r.method)).toEqual(['POST']);
  });

  it('is read-only without a token: rows are skipped with the reason, nothing is posted', async () => {
    delete process.env[TOKEN_ENV];
    const summary = enqueueReports(ctx, input('new-failure'), NOW);
    expect(summary.skipped).toEqual(Array(15).fill('read-only: no Patchwork token'));
    await deliverOutbox(ctx, { now: testClock().now });
    expect(pw.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  it('prints exactly the would-be POSTs on a dry run and sends nothing', async () => {
    enqueueReports(
      ctx,
      { ...input('new-failure'), series: { ...series(), patches: series().patches.slice(0, 1) } },
      NOW,
    );
    const printed: string[] = [];
    const summary = await deliverOutbox(ctx, {
      now: testClock().now,
      dryRun: true,
      keep: true,
      print: (t) => printed.push(t),
    });
    expect(summary.printed).toBe(5);
    expect(printed[3]).toBe(
      `POST ${pw.base}/api/1.2/patches/5/checks/ {"context":"bpfci-test_progs-x86_64","state":"fail","description":"1 new failure: bpf_cookie/perf_event","target_url":"${RUN_URL}"}`,
    );
    expect(pw.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
    expect(outboxRows(ctx).every((r) => r.state === 'pending' && r.attempts === 0)).toBe(true);
  });
});
