import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AppContext } from '../../context.js';
import { BotError } from '../../errors.js';
import { normalizeMessageId } from '../../mail/message-id.js';
import { importFiles } from '../../series/import-files.js';
import { ingestMessages } from '../../series/ingest.js';
import { loadSeries } from '../../series/store.js';
import { fetchByMessageId } from '../../sources/lore/client.js';
import { fetchPatchworkSeries } from '../../sources/patchwork/fetch-series.js';

/**
 * Turns what the operator typed into a stored, complete series: a mail file
 * (mbox or .eml), a Message-ID (fetched from the configured lore) or a
 * Patchwork series id (fetched from the configured Patchwork).
 */
export async function resolveSeries(ctx: AppContext, input: string): Promise<number> {
  const touched = await ingestInput(ctx, input);
  const complete = touched
    .map((id) => loadSeries(ctx.db, id))
    .filter((s) => s?.complete && !s.supersededBy)
    .sort((a, b) => (b?.id ?? 0) - (a?.id ?? 0));
  const series = complete[0];
  if (!series) throw new BotError('USAGE', `${input}: no complete series in it`);
  return series.id;
}

async function ingestInput(ctx: AppContext, input: string): Promise<number[]> {
  if (existsSync(input)) {
    // A directory is a `git format-patch` output: its files in name order.
    const files = statSync(input).isDirectory()
      ? readdirSync(input)
          .filter((f) => f.endsWith('.patch') || f.endsWith('.eml'))
          .sort()
          .map((f) => join(input, f))
      : [input];
    return importFiles(ctx, files, 'test').flatMap((f) => f.summary.seriesTouched);
  }
  if (/^\d+$/.test(input)) {
    const source = ctx.config.sources.patchwork;
    if (!source) throw new BotError('USAGE', 'a Patchwork series id needs sources.patchwork');
    return [await fetchPatchworkSeries(ctx, source, Number(input))];
  }
  const messageId = normalizeMessageId(input);
  if (messageId?.includes('@')) {
    const lore = ctx.config.sources.lore;
    if (!lore) throw new BotError('USAGE', 'a Message-ID needs sources.lore');
    const raws = await fetchByMessageId(lore.url, messageId, {
      timeoutMs: lore.timeoutSeconds * 1000,
    });
    return ingestMessages(ctx, raws, 'test:lore').seriesTouched;
  }
  throw new BotError('USAGE', `${input}: not a file, a Message-ID or a Patchwork series id`);
}
