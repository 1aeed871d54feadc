import type { Db } from '../db/open.js';

/** A worker of the fleet, from its last heartbeat. */
export interface FleetWorker {
  name: string;
  /** Trees it has a warm lane for (configured, or built there before). */
  trees: string[];
  /** The coordinator's job it runs, if any. */
  jobId?: number;
  /** False while it does not take jobs (disk low, shutting down). */
  accepting: boolean;
  /** Jobs it runs at once. */
  slots: number;
  heartbeatAt: string;
  firstSeenAt: string;
  /** The coordinator's last choice for it: which job, and why this worker. */
  choice?: string;
}

interface Row {
  name: string;
  trees: string;
  job_id: number | null;
  accepting: number;
  slots: number;
  heartbeat_at: string;
  first_seen_at: string;
  choice: string | null;
}

const toWorker = (r: Row): FleetWorker => ({
  name: r.name,
  trees: JSON.parse(r.trees) as string[],
  ...(r.job_id !== null ? { jobId: r.job_id } : {}),
  accepting: r.accepting === 1,
  slots: r.slots,
  heartbeatAt: r.heartbeat_at,
  firstSeenAt: r.first_seen_at,
  ...(r.choice !== null ? { choice: r.choice } : {}),
});

export function recordBeat(
  db: Db,
  beat: { name: string; trees: string[]; jobId?: number; accepting: boolean; slots: number },
  now: Date,
): void {
  const at = now.toISOString();
  db.prepare(
    `INSERT INTO fleet_workers (name, trees, job_id, accepting, slots, heartbeat_at, first_seen_at)
     VALUES (@name, @trees, @jobId, @accepting, @slots, @at, @at)
     ON CONFLICT (name) DO UPDATE SET trees = @trees, job_id = @jobId,
       accepting = @accepting, slots = @slots, heartbeat_at = @at`,
  ).run({
    name: beat.name,
    trees: JSON.stringify(beat.trees),
    jobId: beat.jobId ?? null,
    accepting: beat.accepting ? 1 : 0,
    slots: beat.slots,
    at,
  });
}

export function recordChoice(db: Db, name: string, choice: string): void {
  db.prepare('UPDATE fleet_workers SET choice = ? WHERE name = ?').run(choice, name);
}

export function listWorkers(db: Db): FleetWorker[] {
  return db.prepare<[], Row>('SELECT * FROM fleet_workers ORDER BY name').all().map(toWorker);
}

export function getWorker(db: Db, name: string): FleetWorker | undefined {
  const row = db.prepare<[string], Row>('SELECT * FROM fleet_workers WHERE name = ?').get(name);
  return row ? toWorker(row) : undefined;
}

export function isAlive(w: FleetWorker | undefined, deadAfterMs: number, now: Date): boolean {
  return w !== undefined && now.getTime() - Date.parse(w.heartbeatAt) < deadAfterMs;
}
