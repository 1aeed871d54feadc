import type { Db } from '../../db/open.js';

/** Whether a Patchwork event was already handled (since= is inclusive: it comes back). */
export function seenEvent(db: Db, source: string, eventId: number): boolean {
  return (
    db
      .prepare<[string, number], { n: number }>(
        'SELECT 1 AS n FROM patchwork_events WHERE source = ? AND event_id = ?',
      )
      .get(source, eventId) !== undefined
  );
}

export function markEvent(
  db: Db,
  source: string,
  event: { id: number; date: string; payload: { series: { id: number } } },
  outcome: string,
  storeSeriesId?: number,
): void {
  db.prepare(
    `INSERT OR IGNORE INTO patchwork_events
       (source, event_id, series_id, date, outcome, store_series_id, seen_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    source,
    event.id,
    event.payload.series.id,
    event.date,
    outcome,
    storeSeriesId ?? null,
    new Date().toISOString(),
  );
}
