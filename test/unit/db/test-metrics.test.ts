import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/open.js';
import { createRun, finishRun, loadTestResults } from '../../../src/db/runs.js';

describe('test results in the database', () => {
  it("keep veristat's metrics, so a cached baseline can still be compared for growth", () => {
    const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'bpfci-db-')), 'bpfci.sqlite'));
    const id = createRun(db, { kind: 'baseline', key: 'k' });
    finishRun(db, id, {
      status: 'done',
      tests: [
        {
          suite: 'veristat',
          name: 'a.bpf.o/main',
          status: 'pass',
          metrics: { insns: 900, states: 40 },
        },
        { suite: 'test_progs', name: 'align', status: 'fail', excerpt: 'boom' },
      ],
    });
    expect(loadTestResults(db, id)).toEqual([
      {
        suite: 'veristat',
        name: 'a.bpf.o/main',
        status: 'pass',
        metrics: { insns: 900, states: 40 },
      },
      { suite: 'test_progs', name: 'align', status: 'fail', excerpt: 'boom' },
    ]);
    db.close();
  });
});
