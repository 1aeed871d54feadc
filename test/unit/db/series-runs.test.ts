import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/open.js';
import { createRun, finishRun } from '../../../src/db/runs.js';
import { seriesRuns } from '../../../src/web/data/series.js';

describe("a series' runs", () => {
  it('keep the trigger each ran for; reruns and probes are not listed', () => {
    const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'bpfci-db-')), 'bpfci.sqlite'));
    db.prepare(
      `INSERT INTO series (id, version, name, submitter_name, submitter_addr, total, created_at,
         updated_at) VALUES (1, 1, 'x', 'A', 'a@example.org', 1, 'now', 'now')`,
    ).run();
    const first = createRun(db, { kind: 'series', key: 's', seriesId: 1, trigger: 'posted' });
    createRun(db, { kind: 'rerun', key: 'r', seriesId: 1, parentId: first });
    const verdict = { verdict: 'success', summary: 'no new failures', failures: [], extraRuns: 0 };
    finishRun(db, first, { status: 'done', verdict: verdict as never });
    createRun(db, { kind: 'series', key: 's', seriesId: 1, trigger: 'retest by m@example.org' });
    expect(seriesRuns(db, 1).map((r) => [r.trigger, r.status, r.verdict])).toEqual([
      ['posted', 'done', 'success'],
      ['retest by m@example.org', 'running', undefined],
    ]);
  });
});
