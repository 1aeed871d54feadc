/**
 * Source bookkeeping beyond the per-source cursor (001): Patchwork events already
 * handled. `since` is inclusive, so the last event comes back on every poll; this
 * table is what makes that harmless, and records why an event was skipped.
 */
export default `
CREATE TABLE patchwork_events (
  source TEXT NOT NULL,
  event_id INTEGER NOT NULL,
  series_id INTEGER NOT NULL,
  date TEXT NOT NULL,
  outcome TEXT NOT NULL,
  store_series_id INTEGER,
  seen_at TEXT NOT NULL,
  PRIMARY KEY (source, event_id)
);
CREATE INDEX patchwork_events_series ON patchwork_events (series_id);
`;
