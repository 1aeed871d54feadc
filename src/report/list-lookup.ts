import type { Config } from '../config/schema.js';
import { hasMessageId } from '../sources/lore/client.js';

export type ListLookup = (messageId: string) => Promise<boolean>;

/**
 * How the outbox asks "did this Message-ID reach the list?" after an attempt whose
 * outcome is unknown: the lore source when one is configured. Without one, such a
 * row is marked failed for a human rather than risk mailing the author twice.
 */
export function defaultListLookup(config: Config): ListLookup | undefined {
  const lore = config.sources.lore;
  if (!lore) return undefined;
  return (messageId) =>
    hasMessageId(lore.url, messageId, { timeoutMs: lore.timeoutSeconds * 1000, attempts: 1 });
}
