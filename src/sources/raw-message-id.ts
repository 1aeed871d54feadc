import { normalizeMessageId } from '../mail/message-id.js';
import { rawHeader, rawHeaderBlock } from '../mail/raw-headers.js';

/**
 * The Message-ID of a raw message, read from its header block only (cheap: no full
 * parse), unfolded, without angle brackets; '' when there is none.
 */
export function rawMessageId(raw: Buffer): string {
  return normalizeMessageId(rawHeader(rawHeaderBlock(raw), 'message-id')) ?? '';
}
