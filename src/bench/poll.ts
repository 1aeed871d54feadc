import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Config } from '../config/schema.js';
import { openDatabase } from '../db/open.js';
import { startPatchworkFake } from '../lab/patchwork-fake/index.js';
import { LORE_MAILS, startPublicInbox } from '../lab/public-inbox.js';
import { silentLogger } from '../log.js';
import { configuredPollers, pollAll } from '../sources/poll-all.js';
import type { SourceContext } from '../sources/types.js';
import { startCountingProxy } from './counting-proxy.js';
import { type BenchSection, tempDir } from './section.js';

/**
 * HTTP requests per idle poll, per source: the lab's public-inbox (behind a
 * counting proxy) and Patchwork fake (which records every request), both
 * seeded with the recorded v2 series, polled once to catch up, then once idle.
 */
export async function benchPoll(): Promise<BenchSection> {
  const mails = readdirSync(LORE_MAILS)
    .filter((f) => /^000[0-3]-.*\.eml$/.test(f))
    .sort()
    .map((f) => readFileSync(join(LORE_MAILS, f)));
  const [cover, ...patches] = mails;
  const pw = await startPatchworkFake({ seed: 'empty' });
  const pi = await startPublicInbox({ indexLevel: 'basic' }).catch(async (err) => {
    await pw.stop();
    throw err;
  });
  const proxy = await startCountingProxy(pi.url);
  const stateDir = tempDir('bpfci-bench-poll-');
  try {
    await pi.importMails(mails);
    pw.addSeries({ cover, patches });
    const config = Config.parse({
      version: 1,
      state: { dir: stateDir },
      sources: {
        patchwork: { url: pw.apiUrl, project: 'netdevbpf' },
        lore: { url: proxy.url },
      },
    });
    const ctx: SourceContext = {
      db: openDatabase(join(stateDir, 'bpfci.sqlite')),
      stateDir,
      log: silentLogger,
    };
    const pollers = configuredPollers(config, silentLogger, {});
    const first = await pollAll(ctx, pollers);
    const failed = first.find((r) => r.error);
    if (failed) throw new Error(`${failed.source} catch-up poll failed: ${failed.error?.message}`);
    const stored = first.reduce((n, r) => n + r.stored.length, 0);
    const pwBefore = pw.requests.length;
    const loreBefore = proxy.count();
    const idle = await pollAll(ctx, pollers);
    ctx.db.close();
    const pwIdle = pw.requests.length - pwBefore;
    const loreIdle = proxy.count() - loreBefore;
    const reported = (s: string) => idle.find((r) => r.source === s)?.requests ?? Number.NaN;
    const ratio = (n: number) =>
      `${n} request${n === 1 ? '' : 's'} = ${n.toFixed(2)}x (reference: 1 request)`;
    return {
      title: 'poll: HTTP requests per idle poll, per source',
      rows: [
        ['catch-up poll (both sources)', `${stored} messages stored`],
        ['patchwork idle poll', `${ratio(pwIdle)}, poller says ${reported('patchwork')}`],
        ['lore idle poll', `${ratio(loreIdle)}, poller says ${reported('lore')}`],
      ],
      notes: [
        'counted by the servers: the Patchwork fake records each request, lore goes through a counting proxy',
        'IMAP not measured here: its Dovecot harness lives in test/ (test/integration/sources-together.test.ts asserts the IMAP poller reports 1 request per idle poll, by its own count)',
      ],
    };
  } finally {
    await Promise.all([proxy.stop(), pi.stop(), pw.stop()]);
    rmSync(stateDir, { recursive: true, force: true });
  }
}
