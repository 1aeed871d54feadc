/** Raw messages, rejected mail, assembled series and their patches, source cursors. */
export default `
CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  message_id TEXT NOT NULL UNIQUE,
  sha256 TEXT NOT NULL,
  raw_path TEXT NOT NULL,
  size INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('patch', 'cover', 'reply', 'pull', 'other')),
  subject TEXT NOT NULL,
  from_name TEXT NOT NULL,
  from_addr TEXT NOT NULL,
  date TEXT,
  in_reply_to TEXT,
  refs TEXT NOT NULL DEFAULT '[]',
  source TEXT NOT NULL,
  received_at TEXT NOT NULL
);
CREATE INDEX messages_in_reply_to ON messages (in_reply_to);

CREATE TABLE rejected_messages (
  id INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL UNIQUE,
  message_id TEXT,
  raw_path TEXT NOT NULL,
  reason TEXT NOT NULL,
  source TEXT NOT NULL,
  received_at TEXT NOT NULL
);

CREATE TABLE series (
  id INTEGER PRIMARY KEY,
  thread_key TEXT NOT NULL,
  version INTEGER NOT NULL,
  name TEXT NOT NULL,
  submitter_name TEXT NOT NULL,
  submitter_addr TEXT NOT NULL,
  total INTEGER NOT NULL,
  tree_tag TEXT,
  rfc INTEGER NOT NULL DEFAULT 0,
  resend INTEGER NOT NULL DEFAULT 0,
  cover_message_id TEXT,
  base_commit TEXT,
  change_id TEXT,
  complete INTEGER NOT NULL DEFAULT 0,
  previous_id INTEGER REFERENCES series (id),
  superseded_by INTEGER REFERENCES series (id),
  patchwork_id INTEGER UNIQUE,
  patchwork_url TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (thread_key, version)
);
CREATE INDEX series_name ON series (name, submitter_addr);
CREATE INDEX series_change_id ON series (change_id);

CREATE TABLE series_patches (
  series_id INTEGER NOT NULL REFERENCES series (id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  message_id TEXT NOT NULL,
  subject TEXT NOT NULL,
  patchwork_id INTEGER,
  patchwork_url TEXT,
  PRIMARY KEY (series_id, idx)
);

CREATE TABLE trailers (
  id INTEGER PRIMARY KEY,
  message_id TEXT NOT NULL,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  from_message_id TEXT NOT NULL,
  UNIQUE (message_id, name, value, from_message_id)
);

CREATE TABLE cursors (
  source TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
`;
