import { runSeries } from '../pipeline/runner.js';
import type { HeldLane, RunnableSeries, Stages } from '../pipeline/stages.js';
import type { RunJob } from './deps.js';

/**
 * The pipeline runner as the daemon's RunJob. The lane only scheduled the job;
 * the runner's own routing picks the tree (base-commit: may override the tag).
 * The runner's stages take the daemon's build/VM slots and its abort signal, so
 * a superseded job's make or qemu is killed with its process group.
 */
export function runnerJob<S extends RunnableSeries, L extends HeldLane>(
  stages: Stages<S, L>,
): RunJob {
  return async (ctx, job, io) => {
    const { runId, verdict } = await runSeries({ ...ctx, log: io.log }, job.seriesId, {
      stages,
      signal: io.signal,
      slot: (kind, fn) => io.slots.with(kind, fn, io.signal),
      trigger: job.trigger,
      baselines: io.baselines,
    });
    return { runId, verdict };
  };
}
