/**
 * Mail as sent (issue 17):
 * - message_copies: other copies of a stored message (the same Message-ID and the
 *   same patch, headers differing as IMAP, lore and Patchwork each add their own),
 *   so a copy seen again is a duplicate at once; its bytes are not kept.
 * - series.held_reason: why a series is shown but not tested (an odd subject
 *   counter or version, two patches with the same number): no job is queued for it.
 * - series_extra_patches: the second (third...) patch that claims a taken slot, kept
 *   rather than dropped, so the page can show both.
 */
export default `
CREATE TABLE message_copies (
  sha256 TEXT PRIMARY KEY,
  message_id TEXT NOT NULL,
  source TEXT NOT NULL,
  received_at TEXT NOT NULL
);
ALTER TABLE series ADD COLUMN held_reason TEXT;
CREATE TABLE series_extra_patches (
  series_id INTEGER NOT NULL REFERENCES series (id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  message_id TEXT NOT NULL,
  PRIMARY KEY (series_id, message_id)
);
`;
