import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Db, openDatabase } from '../../src/db/open.js';
import { silentLogger } from '../../src/log.js';
import { splitMbox } from '../../src/mail/mbox.js';
import { type IngestContext, ingestMessages } from '../../src/series/ingest.js';

export const LORE = 'test/fixtures/mail/lore';

/** A fresh state dir with a migrated SQLite DB, as the CLI would open it. */
export function tempStore(): IngestContext & { db: Db } {
  const stateDir = mkdtempSync(join(tmpdir(), 'bpfci-store-'));
  return { db: openDatabase(join(stateDir, 'bpfci.sqlite')), stateDir, log: silentLogger };
}

export function loreMbox(name: 'series.mbox' | 'series-v3.mbox'): Buffer[] {
  return splitMbox(readFileSync(join(LORE, name)));
}

export function ingestFiles(ctx: IngestContext, dir: string, names: string[]) {
  return ingestMessages(
    ctx,
    names.map((n) => readFileSync(join(dir, n))),
    'test',
  );
}
