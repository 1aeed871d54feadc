import type { Config } from '../config/schema.js';
import { BotError } from '../errors.js';
import type { Logger } from '../log.js';
import { createImapPoller } from './imap/poller.js';
import { createLorePoller } from './lore/poller.js';
import { createPatchworkPoller } from './patchwork/poller.js';
import type { Poller, PollReport, SourceContext, SourceName } from './types.js';

export const SOURCE_NAMES: readonly SourceName[] = ['patchwork', 'lore', 'imap'];

/** One poller per configured source, in a fixed order (Patchwork first: its ids attach). */
export function configuredPollers(
  config: Config,
  log: Logger,
  env: NodeJS.ProcessEnv = process.env,
): Poller[] {
  const s = config.sources;
  const out: Poller[] = [];
  if (s.patchwork) out.push(createPatchworkPoller(s.patchwork, env, log));
  if (s.lore) out.push(createLorePoller(s.lore, log));
  if (s.imap) out.push(createImapPoller(s.imap, env));
  return out;
}

/**
 * Polls every source once (or only `only`), one after the other. A source that
 * fails does not stop the others: Patchwork down still lets lore and IMAP bring
 * the series, and Patchwork attaches its ids to them when it is back.
 */
export async function pollAll(
  ctx: SourceContext,
  pollers: Poller[],
  only?: string,
): Promise<PollReport[]> {
  const chosen = only ? pollers.filter((p) => p.name === only) : pollers;
  if (only && chosen.length === 0) {
    const known = pollers.map((p) => p.name).join(', ') || 'none';
    throw new BotError('USAGE', `source "${only}" is not configured (configured: ${known})`);
  }
  const reports: PollReport[] = [];
  for (const p of chosen) reports.push(await p.poll(ctx));
  return reports;
}
