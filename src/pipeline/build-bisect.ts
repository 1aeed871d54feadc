import { join } from 'node:path';
import type { BuildResult } from '../verdict/stages.js';
import { bisectBuild } from './build/bisect.js';
import type { LaneSession } from './lane-run.js';
import type { HeldLane, RunnableSeries } from './stages.js';

const broken = (r: BuildResult) => r.status !== 'pass';

/**
 * Finds the first patch that breaks the build with the build stage's
 * bisectBuild, on this job's lane: at most ceil(log2 N) more builds, no boots
 * (the base is known to build: its baseline did). The guilty patch is recorded
 * on the failed build result too, so reports can point at it.
 */
export async function bisectBuildBreak<S extends RunnableSeries, L extends HeldLane>(
  s: LaneSession<S, L>,
  builds: BuildResult[],
): Promise<{ builds: BuildResult[]; guilty?: number; runs: number }> {
  const n = s.applied.patches.length;
  const failed = builds.find(broken);
  if (failed?.guiltyPatch !== undefined) return { builds, guilty: failed.guiltyPatch, runs: 0 };
  if (n === 1) return { builds: mark(builds, 1), guilty: 1, runs: 0 };
  if (!s.ctx.config.judge.bisect) return { builds, runs: 0 };
  const result = await bisectBuild({
    count: n,
    checkoutPatch: async (k) => {
      await s.stages.checkout(s.ctx, s.lane, s.applied, k);
      s.at = k;
      s.built = undefined;
    },
    build: async () => {
      const logDir = join(s.ctx.stateDir, 'runs', `build-bisect-${s.series.id}`, String(s.at));
      const out = await s.stages.build(s.ctx, s.lane, {
        logDir,
        baseSha: s.applied.baseSha,
        signal: s.signal,
      });
      return out.results.find(broken) ?? (out.results.at(-1) as BuildResult);
    },
  });
  const guilty = result.guiltyPatch;
  return { builds: guilty ? mark(builds, guilty) : builds, guilty, runs: result.steps.length };
}

function mark(builds: BuildResult[], guilty: number): BuildResult[] {
  return builds.map((b) => (broken(b) ? { ...b, guiltyPatch: guilty } : b));
}
