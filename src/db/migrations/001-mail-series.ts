/**
 * Raw messages, rejected mail, assembled series and their patches, source cursors.
 * The raw .eml bytes live on disk (raw_path); every column here is derived and
 * already sanitised.
 */
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
  version INTEGER,
  idx INTEGER,
  total INTEGER,
  notes TEXT NOT NULL DEFAULT '[]',
  source TEXT NOT NULL,
  received_at TEXT NOT NULL
);
CREATE INDEX messages_in_reply_to ON messages (in_reply_to);
CREATE INDEX messages_sha256 ON messages (sha256);

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
  version INTEGER NOT NULL,
  -- No message so far said vN: a later cover or patch that does sets the version.
  version_inferred INTEGER NOT NULL DEFAULT 0,
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
  first_date TEXT,
  complete INTEGER NOT NULL DEFAULT 0,
  previous_id INTEGER REFERENCES series (id),
  superseded_by INTEGER REFERENCES series (id),
  patchwork_id INTEGER UNIQUE,
  patchwork_url TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX series_submitter ON series (submitter_addr, version);
CREATE INDEX series_change_id ON series (change_id);
CREATE INDEX series_cover ON series (cover_message_id);

-- Message-IDs that place a message into a series (Patchwork's SeriesReference):
-- the cover and patches themselves, plus a cover that patches point at before it arrived.
CREATE TABLE series_refs (
  series_id INTEGER NOT NULL REFERENCES series (id) ON DELETE CASCADE,
  message_id TEXT NOT NULL,
  PRIMARY KEY (message_id, series_id)
);

CREATE TABLE series_patches (
  series_id INTEGER NOT NULL REFERENCES series (id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  message_id TEXT NOT NULL,
  -- Set when a partial re-roll reuses this patch unchanged from an older revision.
  inherited_from INTEGER REFERENCES series (id),
  patchwork_id INTEGER,
  patchwork_url TEXT,
  PRIMARY KEY (series_id, idx)
);
CREATE INDEX series_patches_message ON series_patches (message_id);

-- Review trailers written in replies; which patch they apply to follows from the thread.
CREATE TABLE trailers (
  message_id TEXT NOT NULL,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (message_id, name, value)
);

CREATE TABLE cursors (
  source TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
`;
