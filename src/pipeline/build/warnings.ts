import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Warning } from './log-parse.js';

/**
 * The warning delta, as NIPA does it: a series is blamed only for warnings the
 * base build of the same lane did not have. Builds here are incremental, so a
 * log only shows warnings of the objects it recompiled; a per-lane ledger keeps
 * every warning ever seen while building the base commit (the union over the
 * cold build and any later incremental base builds), and a patched build's
 * warnings are compared with it by file and message, not by line number,
 * because a patch shifts lines.
 */
const Ledger = z.object({
  baseSha: z.string(),
  keys: z.array(z.string()),
});
export type Ledger = z.infer<typeof Ledger>;

export function ledgerPath(dir: string, target: 'kernel' | 'selftests'): string {
  return join(dir, `bpfci-warnings-${target}.json`);
}

/** A missing or unreadable ledger is no baseline, not an error: the delta is then unknown. */
export function readLedger(path: string): Ledger | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return Ledger.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    return undefined;
  }
}

/** Adds a base build's warnings; a ledger for another base starts over. */
export function recordBase(path: string, baseSha: string, warnings: Warning[]): Ledger {
  const old = readLedger(path);
  const keys = new Set(old?.baseSha === baseSha ? old.keys : []);
  for (const w of warnings) keys.add(w.key);
  const ledger = { baseSha, keys: [...keys].sort() };
  writeFileSync(path, `${JSON.stringify(ledger, null, 1)}\n`);
  return ledger;
}

/** The warnings of a patched build that its base never produced (one entry per key). */
export function newWarnings(ledger: Ledger, warnings: Warning[]): Warning[] {
  const known = new Set(ledger.keys);
  const seen = new Set<string>();
  return warnings.filter((w) => {
    if (known.has(w.key) || seen.has(w.key)) return false;
    seen.add(w.key);
    return true;
  });
}

/** How a warning reads in a report: with its line, which the key leaves out. */
export function formatWarning(w: Warning): string {
  return w.file ? `${w.file}:${w.line ?? '?'}: warning: ${w.message}` : w.message;
}
