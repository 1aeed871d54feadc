/**
 * Tree mirrors (last good fetch, last error) and lanes (who holds each one). A lane's
 * holder is a pid plus that process's start time and the boot id, so a holder that
 * died (or a pid reused after a reboot) is recognised as stale and its lock cleared.
 */
export default `
CREATE TABLE tree_state (
  tree TEXT PRIMARY KEY,
  upstream TEXT NOT NULL,
  branch TEXT NOT NULL,
  mirror_path TEXT NOT NULL,
  good_sha TEXT,
  good_at TEXT,
  last_error TEXT,
  last_error_at TEXT
);

CREATE TABLE lanes (
  tree TEXT PRIMARY KEY,
  worktree TEXT NOT NULL,
  build_dir TEXT NOT NULL,
  holder_pid INTEGER,
  holder_start TEXT,
  holder_boot TEXT,
  job_id TEXT,
  acquired_at TEXT,
  head_sha TEXT,
  updated_at TEXT NOT NULL
);
`;
