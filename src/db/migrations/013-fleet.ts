/**
 * The fleet's workers as the coordinator sees them: what each reports in its
 * heartbeat (its warm trees, its job) and the coordinator's last choice for it, so
 * that `bpfci status` and /metrics can show the fleet without asking the engine.
 */
export default `
CREATE TABLE fleet_workers (
  name TEXT PRIMARY KEY,
  trees TEXT NOT NULL DEFAULT '[]',
  job_id INTEGER,
  accepting INTEGER NOT NULL DEFAULT 1,
  slots INTEGER NOT NULL DEFAULT 1,
  heartbeat_at TEXT NOT NULL,
  first_seen_at TEXT NOT NULL,
  choice TEXT
);
`;
