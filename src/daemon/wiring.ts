import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AppContext } from '../context.js';
import { BotError } from '../errors.js';
import { defaultStages } from '../pipeline/default-stages.js';
import { checkMatrixRefs } from '../pipeline/matrix/check.js';
import type { Stages } from '../pipeline/stages.js';
import { deliverOutbox } from '../report/deliver.js';
import { enqueuePending, enqueueReports } from '../report/enqueue.js';
import { loadSeries } from '../series/store.js';
import { runPageUrl } from '../web/urls.js';
import type { DaemonDeps, RunJob, Sources } from './deps.js';
import type { Job } from './queue.js';
import { runnerJob } from './wire-runner.js';
import { configuredSources, listLookup } from './wire-sources.js';

/**
 * Test mode only: BPFCI_TEST_PIPELINE names an ES module whose `runJob` replaces
 * the pipeline (the crash-loop test needs a cheap, real-process pipeline). It is
 * read from the environment, never from the config file, and logged loudly.
 */
async function testPipeline(ctx: AppContext): Promise<RunJob | undefined> {
  const file = process.env.BPFCI_TEST_PIPELINE;
  if (!file) return undefined;
  const path = isAbsolute(file) ? file : resolve(file);
  const mod = (await import(pathToFileURL(path).href)) as { runJob?: RunJob };
  if (typeof mod.runJob !== 'function') {
    throw new BotError('CONFIG_INVALID', `BPFCI_TEST_PIPELINE: ${path} exports no runJob`);
  }
  ctx.log.warn({ module: path }, 'TEST MODE: the pipeline is replaced by BPFCI_TEST_PIPELINE');
  return mod.runJob;
}

function seriesOf(ctx: AppContext, job: Job) {
  const series = loadSeries(ctx.db, job.seriesId);
  if (!series) throw new BotError('NOT_FOUND', `series ${job.seriesId} is gone`);
  return series;
}

/**
 * The real collaborators of the daemon. The report's run id is the job id: it is
 * known when the job is claimed (pending checks) and stays the same across a
 * restart, so the outbox's dedupe keys and Message-IDs are stable.
 */
export async function realDeps(
  ctx: AppContext,
  parts: {
    /** The pipeline's stages; by default the real apply, build, boot and suites. */
    stages?: Stages;
    sources?: Sources;
  } = {},
): Promise<DaemonDeps> {
  // A ref of the matrix that exists nowhere is a config error now, not a failed job later.
  await checkMatrixRefs(ctx);
  const runJob = (await testPipeline(ctx)) ?? runnerJob(parts.stages ?? defaultStages);
  const url = (job: Job): string => runPageUrl(ctx.config.report.baseUrl, job.id);
  // Closes the crash-after-send window: is the report's Message-ID on the list already?
  const alreadyDelivered = listLookup(ctx);
  return {
    runJob,
    sources: parts.sources ?? configuredSources(),
    reports: {
      enqueue(c, job, outcome): void {
        const input = {
          runId: job.id,
          series: seriesOf(c, job),
          verdict: outcome.verdict,
          retry: outcome.retry,
        };
        enqueueReports(c, { ...input, runUrl: url(job), ...retestOf(job) });
      },
      started(c, job): void {
        const input = { runId: job.id, series: seriesOf(c, job), runUrl: url(job) };
        enqueuePending(c, { ...input, ...retestOf(job) });
      },
      async deliver(c, { dryRun }): Promise<{ failed: number }> {
        const summary = await deliverOutbox(c, { dryRun, alreadyDelivered });
        return { failed: summary.failed };
      },
    },
  };
}

/** A job queued again by a retest reports as that retest (its own mail and checks). */
function retestOf(job: Job): { retest?: { n: number; trigger: string } } {
  return job.retests > 0 ? { retest: { n: job.retests, trigger: job.trigger } } : {};
}
