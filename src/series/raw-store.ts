import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Keeps a mail's exact bytes, content-addressed: `<stateDir>/mail/ab/ab…cd.eml`.
 * Written (atomically, via rename) before the DB row that points at it, so a
 * crash leaves at worst a file without a row, which is harmless and is reused
 * when the same bytes arrive again.
 */
export function writeRawMail(stateDir: string, sha256: string, raw: Buffer): string {
  const dir = join(stateDir, 'mail', sha256.slice(0, 2));
  const path = join(dir, `${sha256}.eml`);
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, raw);
  renameSync(tmp, path);
  return path;
}
