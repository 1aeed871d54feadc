/**
 * Retests. A job is the series' testing job: a retest queues it again, so `trigger`
 * says why it is queued now, `retests` counts them (each retest's reports are its own)
 * and each series run keeps the trigger it ran for. The
 * mail commands (`bpfci: retest` in a reply) are kept with what became of them, so a
 * command is obeyed once, and refused or unknown ones can be shown to the operator.
 */
export default `
ALTER TABLE jobs ADD COLUMN trigger TEXT NOT NULL DEFAULT 'posted';
ALTER TABLE jobs ADD COLUMN retests INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN trigger TEXT;
CREATE TABLE mail_commands (
  message_id TEXT PRIMARY KEY REFERENCES messages (message_id),
  series_id INTEGER NOT NULL REFERENCES series (id),
  command TEXT NOT NULL,
  from_addr TEXT NOT NULL,
  received_at TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending'
    CHECK (state IN ('pending', 'obeyed', 'refused', 'unknown', 'ignored')),
  note TEXT,
  handled_at TEXT
);
CREATE INDEX mail_commands_pending ON mail_commands (state, series_id);
`;
