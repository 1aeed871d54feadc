import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { simpleParser } from 'mailparser';
import { expect, it } from 'vitest';
import { deliverOutbox } from '../../src/report/deliver.js';
import { enqueuePending, enqueueReports } from '../../src/report/enqueue.js';
import type { ReportSeries } from '../../src/report/types.js';
import type { Verdict } from '../../src/verdict/verdict.js';
import { BASE, NOW, reportConfig } from '../unit/report/scenarios.js';
import { outboxRows, testClock, testState } from './report/harness.js';

/**
 * The acceptance check of the reports: the kernel-tree `bad/` series (real
 * git format-patch mails; patch 2 breaks test_verifier `add+sub+mul`), run through
 * enqueue and a dry-run delivery. The printed mail and checks are pinned in a golden
 * file to be read as a maintainer would (regenerating the series changes its
 * Message-IDs: then update with UPDATE_GOLDEN=1).
 */
const SERIES_DIR = new URL('../fixtures/kernel-series/bad/', import.meta.url);
const GOLDEN = new URL('../fixtures/golden/report/kernel-series-bad.dry-run.txt', import.meta.url);

async function loadSeries(): Promise<ReportSeries> {
  const files = readdirSync(SERIES_DIR)
    .filter((f) => f.endsWith('.patch'))
    .sort();
  const mails = await Promise.all(
    files.map((f) => simpleParser(readFileSync(new URL(f, SERIES_DIR)))),
  );
  const [cover, ...patches] = mails;
  if (!cover?.messageId) throw new Error('fixture has a cover letter');
  const from = cover.from?.value[0];
  return {
    id: 11,
    name: 'bpf: Three small changes, one of which breaks a test',
    version: 1,
    submitter: { name: from?.name ?? '', addr: from?.address ?? '' },
    coverMessageId: cover.messageId,
    coverSubject: cover.subject ?? '',
    patches: patches.map((m, i) => ({
      index: i + 1,
      messageId: m.messageId ?? '',
      subject: m.subject ?? '',
      patchworkId: 101 + i,
    })),
  };
}

const verdict: Verdict = {
  verdict: 'failure',
  summary: 'test_verifier add+sub+mul fails with patch 2',
  apply: {
    status: 'pass',
    tree: 'bpf-next',
    baseSha: BASE,
    baseReason: 'base-commit: in the cover letter',
    patches: [1, 2, 3].map((index) => ({
      index,
      subject: `patch ${index}`,
      status: 'applied' as const,
    })),
  },
  build: [
    {
      status: 'pass',
      target: 'kernel',
      durationMs: 12_000,
      warnings: 0,
      newWarnings: [],
      compiled: 2,
    },
    {
      status: 'pass',
      target: 'selftests',
      durationMs: 30_000,
      warnings: 0,
      newWarnings: [],
      compiled: 1,
    },
  ],
  boot: {
    status: 'ok',
    kernel: 'bzImage',
    accel: 'tcg',
    crashes: [],
    durationMs: 60_000,
    suites: [
      {
        suite: 'test_verifier',
        kind: 'test_verifier',
        outcome: 'failed',
        exitCode: 1,
        durationMs: 40_000,
        tests: [
          { name: 'add+sub+mul', status: 'fail' },
          { name: 'xor32 zero extend check', status: 'pass' },
        ],
      },
    ],
  },
  failures: [
    {
      suite: 'test_verifier',
      name: 'add+sub+mul',
      class: 'new',
      guiltyPatch: 2,
      excerpt:
        '#105/p add+sub+mul FAIL retval -3 != 3\nSummary: 1364 PASSED, 647 SKIPPED, 1 FAILED',
    },
  ],
  guiltyPatch: 2,
  baselineRunId: 3,
  extraRuns: 2,
};

it('a dry run of the kernel-tree bad series prints the reply and the checks, and sends nothing', async () => {
  const config = reportConfig({
    suites: [{ name: 'test_verifier', kind: 'test_verifier' }],
    sources: {
      patchwork: {
        url: 'https://patchwork.example.org',
        project: 'netdevbpf',
        tokenEnv: 'BPFCI_TEST_PW_TOKEN',
      },
    },
  });
  process.env.BPFCI_TEST_PW_TOKEN = 'x'.repeat(40);
  const state = testState();
  const ctx = state.open(config);
  try {
    const series = await loadSeries();
    const runUrl = 'https://ci.example.org/runs/7';
    enqueuePending(ctx, { runId: 7, series, runUrl }, NOW);
    enqueueReports(ctx, { runId: 7, series, verdict, runUrl }, NOW);
    const printed: string[] = [];
    const noNetwork = {
      latest: async () => null,
      post: async () => {
        throw new Error('a dry run must not post');
      },
    };
    const summary = await deliverOutbox(ctx, {
      dryRun: true,
      keep: true,
      now: testClock().now,
      checks: noNetwork,
      print: (t) => printed.push(t),
    });
    // 1 email, 4 final checks on each of 3 patches; the pending ones are overtaken.
    expect(summary).toMatchObject({ printed: 13, skipped: 12, sent: 0 });
    const text = `${printed.join('\n')}\n`;
    if (process.env.UPDATE_GOLDEN || !existsSync(GOLDEN)) writeFileSync(GOLDEN, text);
    expect(text).toBe(readFileSync(GOLDEN, 'utf8'));
    expect(text.replace(/\n /g, ' ')).toContain(`In-Reply-To: ${series.patches[1]?.messageId}`);
    expect(outboxRows(ctx).every((r) => r.state === 'pending' && r.attempts === 0)).toBe(true);
  } finally {
    ctx.db.close();
    state.cleanup();
    delete process.env.BPFCI_TEST_PW_TOKEN;
  }
});
