import type { Db } from '../db/open.js';
import { mailCommands } from '../mail/commands.js';
import type { ParsedMessage } from '../mail/parse.js';
import { prep } from './rows.js';

/**
 * Keeps the commands of a reply in a series' thread, pending. Who may command and how
 * often is the daemon's decision (it has the config); the store only remembers what was
 * asked, once per message, of the newest series the thread belongs to.
 */
export function recordMailCommands(
  db: Db,
  msg: ParsedMessage,
  seriesIds: number[],
  now: string,
): void {
  const series = Math.max(...seriesIds);
  if (!Number.isFinite(series)) return;
  const insert = prep(
    db,
    `INSERT OR IGNORE INTO mail_commands (message_id, series_id, command, from_addr, received_at)
     VALUES (?, ?, ?, ?, ?)`,
  );
  // One row per message: the first command it gives (a reply rarely gives two).
  const [command] = mailCommands(msg.body);
  if (command) insert.run(msg.messageId, series, command, msg.fromAddr.toLowerCase(), now);
}
