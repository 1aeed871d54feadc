/**
 * Pipeline runs and their test results, the shared baselines, and per-test
 * stability history. A baseline run has no series; reruns and bisection probes
 * point at the series run that asked for them (parent_id).
 */
export default `
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  series_id INTEGER REFERENCES series (id),
  parent_id INTEGER REFERENCES runs (id),
  kind TEXT NOT NULL CHECK (kind IN ('series', 'baseline', 'rerun', 'bisect')),
  key TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'done', 'infra', 'error', 'cancelled')),
  patches INTEGER,
  verdict TEXT,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  duration_ms INTEGER,
  artifacts_dir TEXT
);
CREATE INDEX runs_series ON runs (series_id, kind);
CREATE INDEX runs_parent ON runs (parent_id);

CREATE TABLE test_results (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  suite TEXT NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pass', 'fail', 'skip')),
  excerpt TEXT,
  PRIMARY KEY (run_id, suite, name)
);

CREATE TABLE baselines (
  key TEXT PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs (id),
  tree TEXT NOT NULL,
  base_sha TEXT NOT NULL,
  inputs TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE test_stability (
  suite TEXT NOT NULL,
  name TEXT NOT NULL,
  passes INTEGER NOT NULL DEFAULT 0,
  fails INTEGER NOT NULL DEFAULT 0,
  flaky_count INTEGER NOT NULL DEFAULT 0,
  last_seen TEXT NOT NULL,
  PRIMARY KEY (suite, name)
);
`;
