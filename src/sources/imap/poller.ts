import type { ImapFlow } from 'imapflow';
import { normalizeMessageId } from '../../mail/message-id.js';
import { ingestMessages } from '../../series/ingest.js';
import { getCursor, knownMessageIds, setCursor } from '../cursor.js';
import {
  addIngest,
  emptyReport,
  errorOf,
  type Poller,
  type PollReport,
  type SourceContext,
} from '../types.js';
import { connectImap, type ImapConfig, imapOptions } from './connect.js';

const SOURCE = 'imap';
/** Messages stored per transaction: a drop mid-FETCH loses at most one batch of work. */
const BATCH = 50;

interface ImapCursor {
  uidValidity: string;
  uid: number;
}

export interface ImapPoller extends Poller {
  /**
   * Resolves when the mailbox reports new mail (IDLE `EXISTS`; servers without IDLE
   * are polled with NOOP by imapflow) or after `ms`, whichever comes first.
   */
  waitForMail(ms: number): Promise<'mail' | 'timeout'>;
  /** Logs out of the kept session. */
  close(): Promise<void>;
}

function cursorKey(config: ImapConfig): string {
  return `imap:${config.user}@${config.host}:${config.port}/${config.mailbox}`;
}

function readCursor(value: string | undefined): ImapCursor | undefined {
  if (!value) return undefined;
  try {
    const c = JSON.parse(value) as ImapCursor;
    return typeof c.uid === 'number' && typeof c.uidValidity === 'string' ? c : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Polls one IMAP mailbox (a list subscription on Dovecot, or public-inbox-imapd's
 * `org.kernel.vger.bpf.N`) by UID: the cursor is (UIDVALIDITY, last UID stored).
 * An unchanged UIDNEXT costs one SELECT. A new UIDVALIDITY means UIDs were
 * reassigned: every message is listed again by envelope and only Message-IDs the
 * store lacks are downloaded, so nothing is lost or doubled. The connection is kept
 * for IDLE and rebuilt (with backoff) whenever it is no longer usable.
 */
export function createImapPoller(config: ImapConfig, env: NodeJS.ProcessEnv): ImapPoller {
  const key = cursorKey(config);
  let client: ImapFlow | undefined;
  let requests = 0;

  /** A logged-in session (reused while usable); LOGIN is not counted as a request. */
  async function session(): Promise<ImapFlow> {
    if (client?.usable) return client;
    client?.close();
    // Options (and the password lookup) at connect time: a missing password fails
    // this source's polls with CONFIG_INVALID instead of stopping every source.
    client = await connectImap(imapOptions(config, env));
    return client;
  }

  async function pollOnce(ctx: SourceContext, report: PollReport): Promise<void> {
    const c = await session();
    // SELECT on every poll: UIDNEXT and UIDVALIDITY must be current, not cached.
    requests++;
    const box = await c.mailboxOpen(config.mailbox, { readOnly: true });
    const validity = box.uidValidity.toString();
    const saved = readCursor(getCursor(ctx.db, key));
    const resync = saved !== undefined && saved.uidValidity !== validity;
    if (resync) {
      ctx.log.warn(
        { source: SOURCE, was: saved?.uidValidity, now: validity },
        'UIDVALIDITY changed: resyncing by Message-ID',
      );
    }
    const after = saved && !resync ? saved.uid : 0;
    if (box.exists === 0 || box.uidNext - 1 <= after) {
      if (!saved || resync) commit(ctx, key, { uidValidity: validity, uid: after }, () => {});
      return;
    }
    requests++;
    const listed: { uid: number; messageId: string }[] = [];
    for await (const m of c.fetch(`${after + 1}:*`, { uid: true, envelope: true }, { uid: true })) {
      // `n:*` returns the last message even when nothing is newer.
      if (m.uid > after)
        listed.push({ uid: m.uid, messageId: normalizeMessageId(m.envelope?.messageId) ?? '' });
    }
    listed.sort((a, b) => a.uid - b.uid);
    const known = knownMessageIds(ctx.db, listed.map((m) => m.messageId).filter(Boolean));
    report.duplicates += listed.filter((m) => known.has(m.messageId)).length;
    const wanted = listed.filter((m) => !known.has(m.messageId));
    let done = after;
    for (let i = 0; i < wanted.length; i += BATCH) {
      const batch = wanted.slice(i, i + BATCH);
      requests++;
      const raws: Buffer[] = [];
      const uids = batch.map((m) => m.uid).join(',');
      for await (const m of c.fetch(uids, { uid: true, source: true }, { uid: true })) {
        if (m.source) raws.push(m.source);
      }
      const last = batch.at(-1)?.uid ?? done;
      commit(ctx, key, { uidValidity: validity, uid: last }, () => {
        addIngest(report, ingestMessages(ctx, raws, SOURCE));
      });
      done = last;
    }
    const top = listed.at(-1)?.uid ?? done;
    if (top > done) commit(ctx, key, { uidValidity: validity, uid: top }, () => {});
  }

  return {
    name: SOURCE,
    async poll(ctx: SourceContext): Promise<PollReport> {
      requests = 0;
      const report = emptyReport(SOURCE);
      try {
        await pollOnce(ctx, report);
      } catch (err) {
        report.error = errorOf(err);
        ctx.log.warn({ source: SOURCE, err: report.error }, 'imap poll failed');
        // Whatever state the session is in, the next poll starts from a new one.
        client?.close();
        client = undefined;
      }
      report.requests = requests;
      return report;
    },
    async waitForMail(ms: number): Promise<'mail' | 'timeout'> {
      const c = await session();
      if (!c.mailbox) await c.mailboxOpen(config.mailbox, { readOnly: true });
      return new Promise((resolve) => {
        const done = (why: 'mail' | 'timeout'): void => {
          clearTimeout(timer);
          c.off('exists', onMail);
          c.off('close', onClose);
          resolve(why);
        };
        const onMail = (): void => done('mail');
        const onClose = (): void => done('timeout');
        const timer = setTimeout(() => done('timeout'), ms);
        c.on('exists', onMail);
        c.on('close', onClose);
        if (config.idle) c.idle().catch(onClose);
      });
    },
    async close(): Promise<void> {
      const c = client;
      client = undefined;
      if (c) await c.logout().catch(() => c.close());
    },
  };
}

function commit(ctx: SourceContext, key: string, cursor: ImapCursor, work: () => void): void {
  ctx.db.transaction(() => {
    work();
    setCursor(ctx.db, key, JSON.stringify(cursor));
  })();
}
