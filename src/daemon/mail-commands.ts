import type { AppContext } from '../context.js';
import { KNOWN_COMMANDS } from '../mail/commands.js';
import type { Job, JobQueue } from './queue.js';

interface PendingCommand {
  message_id: string;
  series_id: number;
  command: string;
  from_addr: string;
  submitter_addr: string;
  superseded_by: number | null;
}

type Decision = { state: 'obeyed' | 'refused' | 'unknown' | 'ignored'; note: string };

/**
 * Obeys the pending mail commands (`bpfci: retest`) that the store kept from replies
 * in series threads. Only configured addresses (and, if allowed, the series' author)
 * command; the bot's own mail never does; retests are rate-limited per series. Every
 * command ends in a state with a note, and nothing is ever answered by mail: a refused
 * or unknown command is only logged, so the bot cannot be made to spam a thread.
 */
export function obeyMailCommands(ctx: AppContext, queue: JobQueue, now: Date): Job[] {
  const pending = ctx.db
    .prepare<[], PendingCommand>(
      `SELECT c.message_id, c.series_id, c.command, c.from_addr,
              lower(s.submitter_addr) AS submitter_addr, s.superseded_by
       FROM mail_commands c JOIN series s ON s.id = c.series_id
       WHERE c.state = 'pending' ORDER BY c.received_at, c.message_id`,
    )
    .all();
  const retested: Job[] = [];
  const close = ctx.db.prepare(
    'UPDATE mail_commands SET state = ?, note = ?, handled_at = ? WHERE message_id = ?',
  );
  for (const c of pending) {
    const decision = decide(ctx, queue, c, now, retested);
    close.run(decision.state, decision.note, now.toISOString(), c.message_id);
    const fields = { messageId: c.message_id, seriesId: c.series_id, from: c.from_addr };
    const level = decision.state === 'obeyed' ? 'info' : 'warn';
    ctx.log[level]({ ...fields, command: c.command, ...decision }, 'mail command');
  }
  return retested;
}

function decide(
  ctx: AppContext,
  queue: JobQueue,
  c: PendingCommand,
  now: Date,
  retested: Job[],
): Decision {
  const rules = ctx.config.daemon.mailCommands;
  if (c.from_addr === botAddress(ctx)) return { state: 'ignored', note: "the bot's own mail" };
  if (!KNOWN_COMMANDS.has(c.command)) return { state: 'unknown', note: 'not a command' };
  const maySay =
    rules.allow.includes(c.from_addr) || (rules.author && c.from_addr === c.submitter_addr);
  if (!maySay) return { state: 'refused', note: 'the sender may not command the bot' };
  if (c.superseded_by !== null) {
    return { state: 'refused', note: `superseded by series ${c.superseded_by}` };
  }
  const since = new Date(now.getTime() - 24 * 3600_000).toISOString();
  const recent = ctx.db
    .prepare<[number, string], { n: number }>(
      `SELECT COUNT(*) AS n FROM mail_commands
       WHERE series_id = ? AND command = 'retest' AND state = 'obeyed' AND handled_at > ?`,
    )
    .get(c.series_id, since)?.n;
  if ((recent ?? 0) >= rules.retestsPerDay) {
    return { state: 'refused', note: `rate limit: ${rules.retestsPerDay} retests a day` };
  }
  const job = queue.retest(c.series_id, `retest by ${c.from_addr}`, now);
  if (!job) return { state: 'ignored', note: 'the series is queued or running already' };
  retested.push(job);
  return { state: 'obeyed', note: `job ${job.id} queued again` };
}

/** The address the bot sends from, when it mails (`Name <addr>` or a bare address). */
function botAddress(ctx: AppContext): string | undefined {
  const from = ctx.config.report.email?.from;
  return (/<([^>]+)>/.exec(from ?? '')?.[1] ?? from)?.trim().toLowerCase();
}
