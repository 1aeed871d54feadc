import type { Db } from '../../src/db/open.js';

/**
 * Where a real tier's minutes went, one line per run the bot recorded, so a CI log
 * shows what to cut: kind, patches applied, seconds, and the series runs' build and
 * boot split from their verdicts.
 */
export function printRunTimings(db: Db, title: string): void {
  const rows = db
    .prepare<[], { id: number; kind: string; patches: number | null; ms: number | null }>(
      'SELECT id, kind, patches, duration_ms AS ms FROM runs ORDER BY id',
    )
    .all();
  const jobs = db
    .prepare<[], { series: number; v: string | null }>(
      'SELECT series_id AS series, verdict_json AS v FROM jobs ORDER BY id',
    )
    .all();
  const s = (ms: number | null | undefined) => (ms == null ? '-' : `${Math.round(ms / 1000)} s`);
  const lines = rows.map((r) => `  run ${r.id} ${r.kind} patches=${r.patches ?? '-'} ${s(r.ms)}`);
  for (const j of jobs) {
    const v = j.v ? JSON.parse(j.v) : undefined;
    const builds = (v?.build ?? []) as { target: string; durationMs: number }[];
    const split = builds.map((b) => `${b.target} ${s(b.durationMs)}`).join(', ');
    lines.push(`  series ${j.series}: ${split}; boot ${s(v?.boot?.durationMs)}`);
  }
  console.log(`${title}\n${lines.join('\n')}`);
}
