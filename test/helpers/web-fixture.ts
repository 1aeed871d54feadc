import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppContext } from '../../src/context.js';
import { feedQueue } from '../../src/daemon/feed.js';
import { recordPoll } from '../../src/daemon/poll-stats.js';
import { createSqliteQueue } from '../../src/daemon/sqlite-queue.js';
import { BotError } from '../../src/errors.js';
import type { Verdict } from '../../src/verdict/verdict.js';
import { seedSeries, supersede } from './daemon-state.js';

export const EVIL_SUBJECT =
  '[PATCH bpf-next v2 0/3] bpf: <script>window.__pwned = 1</script> fix <img src=x onerror="window.__pwned = 2">';

/** A run as the pipeline would leave it: every stage, tests of every class, a build log. */
function richVerdict(logPath: string, consolePath: string): Verdict {
  return {
    verdict: 'failure',
    summary: 'new failure: verifier/<script>alert(1)</script> caused by patch 2',
    apply: {
      status: 'pass',
      tree: 'bpf-next',
      baseSha: '4f2e8a9d0c1b3a5e7f9d2c4b6a8e0f1d3c5b7a9e',
      baseReason: 'subject tag',
      patches: [1, 2, 3].map((index) => ({
        index,
        subject: `patch ${index}`,
        status: 'applied' as const,
      })),
      headSha: '9a8b7c6d5e4f',
    },
    build: [
      {
        status: 'pass',
        target: 'kernel',
        durationMs: 66_000,
        warnings: 2,
        newWarnings: [],
        compiled: 14,
        logPath,
      },
      {
        status: 'pass',
        target: 'selftests',
        durationMs: 41_000,
        warnings: 0,
        newWarnings: [],
        compiled: 30,
      },
    ],
    boot: {
      status: 'ok',
      kernel: '6.1.0-bpfci',
      accel: 'tcg',
      durationMs: 95_000,
      consolePath,
      crashes: [],
      suites: [
        {
          suite: 'test_progs',
          kind: 'test_progs',
          outcome: 'failed',
          exitCode: 1,
          durationMs: 80_000,
          tests: [
            {
              name: 'verifier/<script>alert(1)</script>',
              status: 'fail',
              excerpt: '<b>not bold</b> R1 invalid mem access',
            },
            { name: 'map_kptr', status: 'fail' },
            { name: 'lru_bug', status: 'fail' },
            { name: 'xdp_adjust_tail', status: 'pass' },
            { name: 'tc_redirect', status: 'skip' },
          ],
        },
      ],
    },
    failures: [
      {
        suite: 'test_progs',
        name: 'verifier/<script>alert(1)</script>',
        class: 'new',
        guiltyPatch: 2,
        excerpt: 'R1 invalid mem access',
      },
      { suite: 'test_progs', name: 'map_kptr', class: 'pre-existing' },
      { suite: 'test_progs', name: 'lru_bug', class: 'flaky' },
    ],
    guiltyPatch: 2,
    baselineRunId: 7,
    extraRuns: 3,
  };
}

/**
 * Seeds a DB with what the web page shows: a v1 superseded by an evil-subject v2
 * whose run failed, a successful series on bpf, a queued one, an infra failure,
 * and poll records for two sources.
 */
export function seedWebState(ctx: AppContext): { evil: number; evilJob: number; v1: number } {
  const queue = createSqliteQueue(ctx.db);
  const dir = join(ctx.stateDir, 'runs', 'r1');
  mkdirSync(dir, { recursive: true });
  const logPath = join(dir, 'build.log');
  const consolePath = join(dir, 'console.log');
  writeFileSync(
    logPath,
    'make -j2\n  CC kernel/bpf/verifier.o\n<script>window.__pwned = 3</script>\n',
  );
  writeFileSync(consolePath, '[    0.000000] Linux version 6.1.0\n[    1.2] test_progs: OK\n');
  const v1 = seedSeries(ctx.db, { name: '[PATCH bpf-next 0/3] bpf: fix', total: 3 });
  const t0 = new Date(Date.now() - 3 * 86_400_000);
  feedQueue(ctx, queue, t0);
  const j1 = queue.claim({ now: t0, pid: process.pid });
  if (j1)
    queue.complete(
      j1,
      {
        verdict: {
          verdict: 'success',
          summary: 'ok',
          failures: [],
          extraRuns: 0,
          build: [
            {
              status: 'pass',
              target: 'kernel',
              durationMs: 390_000,
              warnings: 0,
              newWarnings: [],
              compiled: 9000,
            },
          ],
        },
      },
      t0,
    );
  const evil = seedSeries(ctx.db, { name: EVIL_SUBJECT, version: 2, total: 3, previousId: v1 });
  supersede(ctx.db, v1, evil);
  const ok = seedSeries(ctx.db, { name: '[PATCH bpf] bpf: one-liner', treeTag: 'bpf' });
  const t1 = new Date(Date.now() - 86_400_000);
  feedQueue(ctx, queue, t1);
  const claimed = [
    queue.claim({ now: t1, pid: process.pid }),
    queue.claim({ now: t1, pid: process.pid }),
  ];
  const evilJob = claimed.find((j) => j?.seriesId === evil);
  const okJob = claimed.find((j) => j?.seriesId === ok);
  if (!evilJob || !okJob) throw new Error('seed: no job');
  queue.complete(evilJob, { verdict: richVerdict(logPath, consolePath) }, new Date());
  queue.complete(
    okJob,
    { verdict: { verdict: 'success', summary: 'all good', failures: [], extraRuns: 0 } },
    new Date(),
  );
  seedSeries(ctx.db, { name: '[PATCH bpf-next] infra', treeTag: 'bpf' });
  feedQueue(ctx, queue, new Date());
  const infra = queue.claim({ now: new Date(), pid: process.pid });
  if (!infra) throw new Error('seed: no infra job');
  const plan = { code: 'VM_FAILED', message: 'qemu died' };
  const final = {
    verdict: { verdict: 'infra' as const, summary: 'infra', failures: [], extraRuns: 0 },
  };
  queue.fail(infra, plan, new Date(), final);
  seedSeries(ctx.db, { name: '[PATCH bpf-next] waiting in the queue' });
  feedQueue(ctx, queue, new Date());
  recordPoll(ctx.db, 'lore', new Date());
  recordPoll(
    ctx.db,
    'patchwork',
    new Date(),
    new BotError('HTTP_FAILED', 'HTTP 503 from patchwork'),
  );
  recordPoll(ctx.db, 'patchwork', new Date());
  return { evil, evilJob: evilJob.id, v1 };
}
