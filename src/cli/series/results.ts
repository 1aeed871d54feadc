import type { Db } from '../../db/open.js';
import { listSeriesRuns, type RunRow } from '../../db/runs.js';
import type { FailureClass } from '../../verdict/failures.js';
import type { Verdict } from '../../verdict/verdict.js';

export interface PatchInfo {
  index: number;
  subject: string;
  messageId: string;
}

export interface SeriesResults {
  /** The newest judged series run, or null when the series was never run. */
  runId: number | null;
  verdict: Verdict['verdict'] | null;
  summary: string | null;
  baselineRunId: number | null;
  baseline: Verdict['baseline'] | null;
  guiltyPatch: PatchInfo | null;
  extraRuns: number;
  failures: {
    suite: string;
    name: string;
    class: FailureClass;
    guiltyPatch: PatchInfo | null;
    reason?: string;
    excerpt?: string;
  }[];
  versionDiff: Verdict['versionDiff'] | null;
  runs: Pick<
    RunRow,
    'id' | 'kind' | 'status' | 'patches' | 'parentId' | 'startedAt' | 'durationMs' | 'artifactsDir'
  >[];
}

/**
 * What `bpfci series show --json` adds about testing: the latest verdict, each
 * failure with its class and guilty patch, the baseline run it was compared
 * with, and every run (series, reruns, bisection) the series caused.
 */
export function seriesResults(db: Db, seriesId: number, patches: PatchInfo[]): SeriesResults {
  const runs = listSeriesRuns(db, seriesId);
  const judged = runs.filter((r) => r.kind === 'series' && r.verdict).at(-1);
  const v = judged?.verdict ?? null;
  const patch = (index: number | undefined) => patches.find((p) => p.index === index) ?? null;
  return {
    runId: judged?.id ?? null,
    verdict: v?.verdict ?? null,
    summary: v?.summary ?? null,
    baselineRunId: v?.baselineRunId ?? null,
    baseline: v?.baseline ?? null,
    guiltyPatch: patch(v?.guiltyPatch),
    extraRuns: v?.extraRuns ?? 0,
    failures: (v?.failures ?? []).map((f) => ({
      suite: f.suite,
      name: f.name,
      class: f.class,
      guiltyPatch: patch(f.guiltyPatch),
      ...(f.reason ? { reason: f.reason } : {}),
      ...(f.excerpt ? { excerpt: f.excerpt } : {}),
    })),
    versionDiff: v?.versionDiff ?? null,
    runs: runs.map((r) => ({
      id: r.id,
      kind: r.kind,
      status: r.status,
      patches: r.patches,
      parentId: r.parentId,
      startedAt: r.startedAt,
      durationMs: r.durationMs,
      artifactsDir: r.artifactsDir,
    })),
  };
}
