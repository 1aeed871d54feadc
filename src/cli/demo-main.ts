#!/usr/bin/env node
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../db/open.js';
import { silentLogger } from '../log.js';
import { formatSeriesDetail, formatSeriesLine } from '../series/format.js';
import { importFiles } from '../series/import-files.js';
import { listSeries } from '../series/store.js';

/**
 * `npm run demo`: imports the recorded lore sample (a v2 series with a review,
 * then its v3) into a fresh state dir and prints what the store assembled.
 * Later stages grow this into the full pipeline.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const lore = join(root, 'test', 'fixtures', 'mail', 'lore');
const stateDir = mkdtempSync(join(tmpdir(), 'bpfci-demo-'));
const db = openDatabase(join(stateDir, 'bpfci.sqlite'));
const ctx = { db, stateDir, log: silentLogger };

for (const file of ['series.mbox', 'series-v3.mbox', 'series.mbox']) {
  const [r] = importFiles(ctx, [join(lore, file)], 'demo');
  const s = r?.summary;
  process.stdout.write(
    `import ${file}: ${s?.stored.length} stored, ${s?.duplicates.length} duplicate, ${s?.rejected.length} rejected\n`,
  );
}
process.stdout.write(`\nstate: ${stateDir}\n\n`);
const all = listSeries(db);
for (const s of all) process.stdout.write(`${formatSeriesLine(s)}\n`);
for (const s of all) process.stdout.write(`\n${formatSeriesDetail(s)}`);
db.close();
