import type { Db } from '../db/open.js';

/** The saved position of one source (`patchwork`, `lore`, `imap:<mailbox>`), or undefined. */
export function getCursor(db: Db, source: string): string | undefined {
  return db
    .prepare<[string], { value: string }>('SELECT value FROM cursors WHERE source = ?')
    .get(source)?.value;
}

/**
 * Moves a source's cursor. Call it inside the transaction that stored what the
 * cursor now covers, so a crash leaves either both or neither.
 */
export function setCursor(db: Db, source: string, value: string): void {
  db.prepare(
    `INSERT INTO cursors (source, value, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (source) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  ).run(source, value, new Date().toISOString());
}

/** Which of these Message-IDs (no angle brackets) the store already has. */
export function knownMessageIds(db: Db, ids: string[]): Set<string> {
  const known = new Set<string>();
  const stmt = db.prepare<[string], { n: number }>(
    'SELECT 1 AS n FROM messages WHERE message_id = ?',
  );
  for (const id of ids) if (stmt.get(id)) known.add(id);
  return known;
}
