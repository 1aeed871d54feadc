import { readFileSync } from 'node:fs';
import type { DaemonDeps, RunJob } from '../../src/daemon/deps.js';
import type { Job, Outcome } from '../../src/daemon/queue.js';
import type { Verdict } from '../../src/verdict/verdict.js';

export function verdict(v: Verdict['verdict'] = 'success'): Verdict {
  return { verdict: v, summary: `${v} summary`, failures: [], extraRuns: 0 };
}

export interface Recorded {
  enqueued: { jobId: number; outcome: Outcome }[];
  started: number[];
  resets: string[];
  delivered: number;
}

/** Deps whose reports side records what the daemon asked for (the outbox is the reports' own test). */
export function recordingDeps(runJob: RunJob): { deps: DaemonDeps; rec: Recorded } {
  const rec: Recorded = { enqueued: [], started: [], resets: [], delivered: 0 };
  const deps: DaemonDeps = {
    runJob,
    sources: { list: () => [], poll: async () => {} },
    reports: {
      enqueue: (_ctx, job: Job, outcome) => void rec.enqueued.push({ jobId: job.id, outcome }),
      started: (_ctx, job) => void rec.started.push(job.id),
      deliver: async () => {
        rec.delivered += 1;
        return { failed: 0 };
      },
    },
    resetLane: async (_ctx, lane) => void rec.resets.push(lane),
  };
  return { deps, rec };
}

/** Resolves once `check` is true, polling every `everyMs`, failing after `ms`. */
export async function until(check: () => boolean, ms = 20_000, everyMs = 20): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A process that still runs (a zombie waiting for its reaper does not count). */
export function pidAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
