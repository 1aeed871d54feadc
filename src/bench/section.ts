import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Config } from '../config/schema.js';
import type { AppContext } from '../context.js';
import { openDatabase } from '../db/open.js';
import { silentLogger } from '../log.js';

/** One block of `npm run bench` output: a title and aligned "name: value" rows. */
export interface BenchSection {
  title: string;
  rows: [string, string][];
  notes?: string[];
}

export function formatSection(s: BenchSection): string {
  const width = Math.max(0, ...s.rows.map(([k]) => k.length));
  const lines = [`## ${s.title}`, ...s.rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)];
  for (const n of s.notes ?? []) lines.push(`  note: ${n}`);
  return `${lines.join('\n')}\n`;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** A fresh temp dir for one section's state. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A throwaway AppContext (own state dir and DB, silent log) with config overrides. */
export function benchAppContext(
  overrides: Record<string, unknown> = {},
  stateDir = tempDir('bpfci-bench-state-'),
): AppContext {
  mkdirSync(stateDir, { recursive: true });
  const config = Config.parse({ version: 1, state: { dir: stateDir }, ...overrides });
  const db = openDatabase(join(stateDir, 'bpfci.sqlite'));
  return { config, configFile: '(bench)', db, log: silentLogger, stateDir };
}
