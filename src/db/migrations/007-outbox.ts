/**
 * Reports waiting to go out (emails, Patchwork checks) and the log of checks posted.
 * An outbox row is written in the same transaction as the verdict it reports, so a
 * verdict never exists without its reports and a report never without its verdict.
 */
export default `
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('email', 'check')),
  -- One row per report: enqueueing the same report twice is a no-op.
  dedupe_key TEXT NOT NULL UNIQUE,
  run_id INTEGER,
  series_id INTEGER,
  -- The email's deterministic Message-ID: looked up on the list after an uncertain attempt.
  message_id TEXT,
  -- The rendered message or check POST body: what is sent is what was previewed.
  payload TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed', 'skipped')),
  attempts INTEGER NOT NULL DEFAULT 0,
  -- 1 while an attempt may have reached the server and its outcome is not recorded.
  in_flight INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error TEXT,
  -- Why it was skipped, or how a sent state was established.
  note TEXT,
  created_at TEXT NOT NULL,
  attempted_at TEXT,
  sent_at TEXT
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_series ON outbox (series_id, kind, state);
CREATE INDEX outbox_created ON outbox (kind, created_at);

CREATE TABLE check_log (
  patch_id INTEGER NOT NULL,
  context TEXT NOT NULL,
  state TEXT NOT NULL,
  target_url TEXT,
  description TEXT,
  outbox_id INTEGER REFERENCES outbox (id),
  posted_at TEXT NOT NULL,
  PRIMARY KEY (patch_id, context)
);
`;
