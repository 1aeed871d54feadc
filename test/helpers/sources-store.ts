import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Db, openDatabase } from '../../src/db/open.js';
import { silentLogger } from '../../src/log.js';
import type { SourceContext } from '../../src/sources/types.js';
import { LORE_MAILS } from './public-inbox.js';

export interface TestStore {
  ctx: SourceContext;
  db: Db;
  /** Rows that must never double: messages, series, rejected mail. */
  counts(): { messages: number; series: number; rejected: number };
  close(): void;
}

/** A fresh state dir and migrated SQLite store for one source test. */
export function newStore(): TestStore {
  const stateDir = mkdtempSync(join(tmpdir(), 'bpfci-src-'));
  const db = openDatabase(join(stateDir, 'bpfci.sqlite'));
  const n = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  return {
    ctx: { db, stateDir, log: silentLogger },
    db,
    counts: () => ({
      messages: n('SELECT count(*) AS n FROM messages'),
      series: n('SELECT count(*) AS n FROM series'),
      rejected: n('SELECT count(*) AS n FROM rejected_messages'),
    }),
    close() {
      db.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** Fixture mails by glob-ish prefix: 'v2' = the 6 v2-thread mails, 'v3' = the 4 v3 mails. */
export function loreMails(which: 'v2' | 'v2-series' | 'v3'): Buffer[] {
  const re = { v2: /^000\d-.*\.eml$/, 'v2-series': /^000[0-3]-.*\.eml$/, v3: /^v3-.*\.eml$/ }[
    which
  ];
  return readdirSync(LORE_MAILS)
    .filter((f) => re.test(f))
    .sort()
    .map((f) => readFileSync(join(LORE_MAILS, f)));
}

export function loreFiles(which: 'v2' | 'v3'): string[] {
  const re = which === 'v2' ? /^000\d-.*\.eml$/ : /^v3-.*\.eml$/;
  return readdirSync(LORE_MAILS)
    .filter((f) => re.test(f))
    .sort()
    .map((f) => join(LORE_MAILS, f));
}
