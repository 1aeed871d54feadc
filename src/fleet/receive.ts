import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import type { Job, Outcome } from '../daemon/queue.js';
import { importRun } from '../db/runs.js';
import { BotError } from '../errors.js';
import { previousDiff } from '../pipeline/runner.js';
import { loadSeries } from '../series/store.js';
import type { Verdict } from '../verdict/verdict.js';
import { rebase } from './artifacts.js';

const Test = z.object({
  suite: z.string().max(300),
  name: z.string().max(2000),
  status: z.enum(['pass', 'fail', 'skip']),
  excerpt: z.string().max(100_000).optional(),
  metrics: z.record(z.string(), z.number()).optional(),
});

const Run = z.object({
  localId: z.number().int(),
  kind: z.enum(['series', 'rerun', 'bisect']),
  patches: z.number().int().nullable(),
  parentLocalId: z.number().int().nullable(),
  status: z.enum(['done', 'infra', 'error', 'cancelled']),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
  trigger: z.string().max(200).nullable(),
  tests: z.array(Test),
});

/** What a worker sends when its job is done (the artifacts travel beside it). */
export const RemoteResult = z.object({
  claim: z.number().int(),
  /** The worker's state dir: the verdict's paths start with it. */
  stateDir: z.string().startsWith('/'),
  seriesRunId: z.number().int(),
  verdict: z
    .object({
      verdict: z.enum(['success', 'failure', 'warning', 'infra']),
      summary: z.string().max(10_000),
      failures: z.array(z.object({ suite: z.string(), name: z.string() }).loose()),
      extraRuns: z.number().int(),
    })
    .loose(),
  runs: z.array(Run).max(1000),
});
export type RemoteResult = z.infer<typeof RemoteResult>;

/**
 * Stores a worker's result as if this host had run it: its runs (the series run and
 * its reruns and probes, parents first) with their test results, their artifacts
 * under `dest`, and the verdict with its paths moved there. The version diff needs
 * the series' earlier revisions, which only this host has, so it is computed here.
 */
export function storeRemoteResult(
  ctx: AppContext,
  job: Job,
  result: RemoteResult,
  dest: string,
): Outcome {
  const moved = rebase(result.verdict as unknown as Verdict, result.stateDir, dest);
  const series = loadSeries(ctx.db, job.seriesId);
  if (!series) throw new BotError('NOT_FOUND', `series ${job.seriesId} is gone`);
  const diff = previousDiff(ctx, series, moved.failures);
  const verdict: Verdict = { ...moved, ...(diff ? { versionDiff: diff } : {}) };
  const ids = new Map<number, number>();
  ctx.db.transaction(() => {
    for (const r of [...result.runs].sort((a, b) => a.localId - b.localId)) {
      const dir = join(dest, 'runs', String(r.localId));
      const parentId = r.parentLocalId === null ? undefined : ids.get(r.parentLocalId);
      const id = importRun(ctx.db, {
        kind: r.kind,
        key:
          r.kind === 'series' ? `series:${job.seriesId}` : `${r.kind}:${job.seriesId}:${r.patches}`,
        seriesId: job.seriesId,
        ...(parentId !== undefined ? { parentId } : {}),
        ...(r.patches !== null ? { patches: r.patches } : {}),
        ...(existsSync(dir) ? { artifactsDir: dir } : {}),
        ...(r.trigger ? { trigger: r.trigger } : {}),
        status: r.status,
        startedAt: r.startedAt,
        finishedAt: r.finishedAt,
        tests: r.tests,
        ...(r.localId === result.seriesRunId ? { verdict } : {}),
      });
      ids.set(r.localId, id);
    }
  })();
  return { verdict, runId: ids.get(result.seriesRunId) };
}
