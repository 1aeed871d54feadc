import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { AppContext } from '../context.js';
import { createRun, finishRun } from '../db/runs.js';
import { BotError } from '../errors.js';
import type { BaselineStore, StoreClaim } from '../pipeline/baseline.js';
import type { TestObservation } from '../verdict/observations.js';
import { packArtifacts } from './artifacts.js';
import type { CoordinatorClient } from './client.js';

/**
 * A worker's baselines live with the coordinator, so the fleet runs each once. A
 * claim won here gets a local run row too: the producer writes its artifacts under
 * it, and they travel to the coordinator's run when the baseline is finished.
 */
export function remoteBaselines(ctx: AppContext, client: CoordinatorClient): BaselineStore {
  return {
    async claim(key, inputs, staleMs): Promise<StoreClaim> {
      const c = (await client.baselineClaim({ key, inputs, staleMs })) as
        | StoreClaim
        | { refused: string };
      if ('refused' in c) throw new BotError('HTTP_REJECTED', `baseline claim: ${c.refused}`);
      if (c.state !== 'claimed') return c;
      return { ...c, localRunId: createRun(ctx.db, { kind: 'baseline', key }) };
    },
    async tests(runId): Promise<TestObservation[]> {
      return (await client.baselineTests(runId)).tests as TestObservation[];
    },
    async finish(claim, end): Promise<void> {
      const local = claim.localRunId ?? claim.runId;
      finishRun(ctx.db, local, end);
      const dir = join(ctx.stateDir, 'runs', String(local));
      const files = existsSync(dir) ? readdirSync(dir).map((n) => join(dir, n)) : [];
      const tarball = await packArtifacts(dir, files).catch(() => Buffer.alloc(0));
      await client.baselineArtifacts(claim.runId, tarball);
      const answer = await client.baselineFinish(claim.runId, end);
      if ('refused' in answer)
        ctx.log.warn({ runId: claim.runId, why: answer.refused }, 'baseline result refused');
      // The coordinator keeps them now (or refused them for good): this host needs no copy.
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
