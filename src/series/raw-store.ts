import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Db } from '../db/open.js';

/**
 * Keeps a mail's exact bytes, content-addressed: `<stateDir>/mail/ab/ab…cd.eml`.
 * Written (atomically, via rename) before the DB row that points at it, so a
 * crash leaves at worst a file without a row, which is harmless and is reused
 * when the same bytes arrive again. Returns the path relative to the state dir,
 * which is what the DB keeps: a state dir moved or restored elsewhere still works.
 */
export function writeRawMail(stateDir: string, sha256: string, raw: Buffer): string {
  const relative = join('mail', sha256.slice(0, 2), `${sha256}.eml`);
  const path = join(stateDir, relative);
  if (existsSync(path)) return relative;
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, raw);
  renameSync(tmp, path);
  return relative;
}

/**
 * Where a stored `raw_path` is now. The DB sits in the state dir, so its directory
 * is the root; rows written before paths were relative are absolute and stay so.
 */
export function rawMailPath(db: Db, rawPath: string): string {
  return resolve(dirname(db.name), rawPath);
}
