import { normalizeMessageId } from '../mail/message-id.js';

/**
 * The Message-ID of a raw message, read from its header block only (cheap: no full
 * parse), unfolded, without angle brackets; '' when there is none.
 */
export function rawMessageId(raw: Buffer): string {
  const head = raw.subarray(0, 64 * 1024).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const unfolded = (end < 0 ? head : head.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const m = /^message-id:\s*(.*)$/im.exec(unfolded);
  return normalizeMessageId(m?.[1]) ?? '';
}
