import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../db/open.js';
import { baseEnv, runCommand } from '../exec/run.js';
import { silentLogger } from '../log.js';
import { ingestMessages } from '../series/ingest.js';
import { type BenchSection, seconds, tempDir } from './section.js';
import { syntheticSeries } from './synthetic-series.js';

const SERIES = 10_000;
const BATCH = 500;
const MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'main.js');

/**
 * Resident memory of an idle `bpfci run` (no sources, web off) over a store of
 * 10 000 one-patch series, beside the same daemon over an empty store. The
 * series go through the real ingest (parse, raw store, assembly) in batches.
 */
export async function benchRss(): Promise<BenchSection> {
  const empty = tempDir('bpfci-bench-rss-empty-');
  const full = tempDir('bpfci-bench-rss-full-');
  try {
    const ingestMs = fill(full, SERIES);
    const emptyKb = await idleRss(empty);
    const fullKb = await idleRss(full);
    const mb = (kb: number) => `${(kb / 1024).toFixed(1)} MB`;
    return {
      title: `rss: idle daemon RSS with ${SERIES} series in the DB`,
      rows: [
        ['ingest of the series (real ingestMessages)', seconds(ingestMs)],
        ['empty DB (reference)', mb(emptyKb)],
        [`${SERIES} series`, `${mb(fullKb)} = ${(fullKb / emptyKb).toFixed(2)}x the reference`],
      ],
      notes: [
        'VmRSS from /proc/<pid>/status once the daemon has logged "daemon started" and its RSS has stopped moving; then SIGTERM',
        'daemon: node dist/main.js run, no sources configured, web server off (the default)',
        'each series gets a finished job row (inserted directly), as in a bot that has judged them: nothing is queued',
      ],
    };
  } finally {
    // The daemon's last SQLite writes may still be landing: retry, never fail the figures.
    for (const dir of [empty, full]) rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  }
}

function fill(stateDir: string, n: number): number {
  const started = Date.now();
  const db = openDatabase(join(stateDir, 'bpfci.sqlite'));
  try {
    for (let i = 0; i < n; i += BATCH) {
      const raws = Array.from({ length: Math.min(BATCH, n - i) }, (_, k) => syntheticSeries(i + k));
      const s = ingestMessages({ db, stateDir, log: silentLogger }, raws, 'bench');
      if (s.rejected.length > 0)
        throw new Error(`ingest rejected synthetic mail: ${JSON.stringify(s.rejected[0])}`);
    }
    // A long-running bot has judged what it holds: give every series a finished
    // job, or the daemon would start by queueing all 10 000 and not be idle.
    const now = new Date().toISOString();
    db.prepare(
      `INSERT INTO jobs (series_id, state, lane, next_attempt_at, enqueued_at, finished_at, verdict)
       SELECT id, 'done', 'bench', @now, @now, @now, 'success' FROM series`,
    ).run({ now });
    const count = (db.prepare('SELECT count(*) AS n FROM series').get() as { n: number }).n;
    if (count !== n) throw new Error(`expected ${n} series in the store, found ${count}`);
  } finally {
    db.close();
  }
  return Date.now() - started;
}

/** Starts the daemon on `stateDir`, waits until idle, returns VmRSS in kB. */
async function idleRss(stateDir: string): Promise<number> {
  const cfg = join(stateDir, 'bpfci.yaml');
  writeFileSync(cfg, `version: 1\nstate: { dir: ${JSON.stringify(stateDir)} }\n`);
  const stop = new AbortController();
  let pid = 0;
  let rssKb = 0;
  const onLine = (line: string) => {
    if (pid || !line.includes('daemon started')) return;
    pid = (JSON.parse(line) as { pid: number }).pid;
    void settle(pid).then(
      (kb) => {
        rssKb = kb;
        stop.abort();
      },
      () => stop.abort(),
    );
  };
  const r = await runCommand([process.execPath, MAIN, '--config', cfg, 'run'], {
    env: { ...baseEnv(), BPFCI_LOG_LEVEL: 'info' },
    signal: stop.signal,
    onLine,
    timeoutMs: 120_000,
  });
  if (!rssKb)
    throw new Error(`daemon never became idle (exit ${r.exitCode}): ${r.stderrTail.slice(-500)}`);
  return rssKb;
}

/** Samples VmRSS every 500 ms until three samples in a row agree within 1% (or 20 s). */
async function settle(pid: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 40; i++) {
    await new Promise((r) => setTimeout(r, 500));
    samples.push(vmRssKb(pid));
    const last = samples.slice(-3);
    if (last.length === 3 && Math.max(...last) - Math.min(...last) <= Math.min(...last) * 0.01)
      break;
  }
  return samples.at(-1) ?? 0;
}

function vmRssKb(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m?.[1]) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]);
}
