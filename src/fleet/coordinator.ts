import type { AppContext } from '../context.js';
import type { RunJob } from '../daemon/deps.js';
import type { JobQueue } from '../daemon/queue.js';
import { createSqliteQueue } from '../daemon/sqlite-queue.js';
import { registerSecret } from '../log.js';
import { type FleetApi, startFleetApi } from './api-server.js';
import { connectEngine, engineUrl } from './engine.js';
import { createHub, type Hub } from './hub.js';

export interface Coordinator {
  hub: Hub;
  api: FleetApi;
  queue: JobQueue;
  runJob: RunJob;
  maxJobs: () => number;
  close(): Promise<void>;
}

/**
 * `bpfci run` when the config names a fleet: the daemon as ever (sources, queue,
 * outbox, web), but its jobs run on the workers. The queue keeps no lane rule (each
 * worker has its own lanes) and the number of jobs in flight follows the live
 * workers' slots, so the engine holds only what a worker will take soon.
 */
export async function startCoordinator(ctx: AppContext): Promise<Coordinator> {
  const fleet = ctx.config.fleet;
  if (!fleet) throw new Error('startCoordinator without a fleet config');
  for (const w of fleet.workers) {
    const token = process.env[w.tokenEnv];
    if (token) registerSecret(token);
  }
  const engine = await connectEngine(engineUrl(process.env, fleet.engineUrlEnv), ctx.log);
  const hub = createHub(ctx, engine);
  const api = await startFleetApi(ctx, hub);
  const sweeper = setInterval(() => hub.sweep(), fleet.heartbeatSeconds * 1000);
  return {
    hub,
    api,
    queue: createSqliteQueue(ctx.db, { oneJobPerLane: false }),
    runJob: hub.runJob,
    maxJobs: () => hub.capacity(),
    async close(): Promise<void> {
      clearInterval(sweeper);
      await api.close();
      await engine.close();
    },
  };
}
