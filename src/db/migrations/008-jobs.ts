/**
 * The job queue: one row per series revision (UNIQUE series_id makes enqueueing
 * idempotent and gives each series at most one verdict). `claims` is a fencing
 * token: a worker may only finish the claim it holds, so a job taken back after a
 * crash or cancelled by a newer revision can never be completed (or reported) twice.
 * source_polls counts poll outcomes per source as the daemon saw them.
 */
export default `
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  series_id INTEGER NOT NULL UNIQUE REFERENCES series (id),
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'cancelled', 'failed')),
  priority INTEGER NOT NULL DEFAULT 0,
  lane TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  recoveries INTEGER NOT NULL DEFAULT 0,
  claims INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  enqueued_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  heartbeat_at TEXT,
  pid INTEGER,
  error_code TEXT,
  error TEXT,
  verdict TEXT,
  verdict_json TEXT,
  run_id INTEGER
);
CREATE INDEX jobs_state ON jobs (state, next_attempt_at, priority);

CREATE TABLE source_polls (
  source TEXT PRIMARY KEY,
  last_poll_at TEXT NOT NULL,
  last_ok_at TEXT,
  last_error_code TEXT,
  last_error TEXT,
  polls_total INTEGER NOT NULL DEFAULT 0,
  errors_total INTEGER NOT NULL DEFAULT 0
);
`;
