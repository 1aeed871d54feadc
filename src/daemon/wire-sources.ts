import type { AppContext } from '../context.js';
import { BotError, ERROR_CODES, type ErrorCode } from '../errors.js';
import { imapHasMessageId } from '../sources/imap/connect.js';
import { hasMessageId } from '../sources/lore/client.js';
import { configuredPollers, pollAll, SOURCE_NAMES } from '../sources/poll-all.js';
import type { Poller } from '../sources/types.js';
import type { Sources } from './deps.js';

function codeOf(code: string): ErrorCode {
  return code in ERROR_CODES ? (code as ErrorCode) : 'INTERNAL';
}

/**
 * The configured sources as the daemon polls them: one poller per source, kept
 * between polls (IMAP holds its connection) and rebuilt when the config reloads.
 * A poll that failed part-way keeps what it stored and throws its code, so the
 * daemon counts the error per source.
 */
export function configuredSources(): Sources & { close(): Promise<void> } {
  let pollers: Poller[] = [];
  async function close(): Promise<void> {
    const old = pollers;
    pollers = [];
    await Promise.all(old.map((p) => p.close?.().catch(() => {})));
  }
  return {
    list(ctx: AppContext) {
      void close();
      pollers = configuredPollers(ctx.config, ctx.log);
      return SOURCE_NAMES.flatMap((name) => {
        const s = ctx.config.sources[name];
        return s ? [{ name, intervalSeconds: s.intervalSeconds }] : [];
      });
    },
    async poll(ctx: AppContext, name: string): Promise<void> {
      if (pollers.length === 0) pollers = configuredPollers(ctx.config, ctx.log);
      const [report] = await pollAll(ctx, pollers, name);
      if (report?.error) throw new BotError(codeOf(report.error.code), report.error.message);
    },
    close,
  };
}

/** Looks a report's Message-ID up on the list (lore, else IMAP): closes the crash-after-send window. */
export function listLookup(ctx: AppContext): ((messageId: string) => Promise<boolean>) | undefined {
  const { lore, imap } = ctx.config.sources;
  if (lore) return (id) => hasMessageId(lore.url, id);
  if (imap) return (id) => imapHasMessageId(imap, id);
  return undefined;
}
