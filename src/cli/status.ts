import type { Command } from 'commander';
import { closeContext, openContext } from '../context.js';
import { collectStatus, type StatusSnapshot } from '../daemon/status.js';
import { EXIT } from '../errors.js';
import { action, printJson } from './common.js';

function text(s: StatusSnapshot): string {
  const lines = [
    `queue depth ${s.queueDepth}; jobs ${Object.entries(s.jobs)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
    outboxLine(s),
    `disk free ${(s.disk.freeBytes / 1024 ** 3).toFixed(1)} GiB${s.disk.low ? ' (LOW: new jobs refused)' : ''}`,
    'running:',
    ...s.running.map(
      (j) =>
        `  job ${j.id} series ${j.seriesId} lane ${j.lane} since ${j.startedAt} (${j.trigger})`,
    ),
    'queued:',
    ...s.queued.map(
      (j) =>
        `  job ${j.id} series ${j.seriesId} lane ${j.lane} prio ${j.priority} due ${j.nextAttemptAt} (${j.trigger})`,
    ),
    'sources:',
    ...s.sources.map(
      (p) =>
        `  ${p.source}: last poll ${p.lastPollAt}, ${p.errorsTotal}/${p.pollsTotal} failed` +
        (p.lastErrorCode ? `, last error ${p.lastErrorCode}: ${p.lastError ?? ''}` : ''),
    ),
    'lanes:',
    ...s.lanes.map((l) => `  ${l.tree}: ${l.holderPid ? `held by pid ${l.holderPid}` : 'idle'}`),
    ...(s.fleet.length ? ['workers:'] : []),
    ...s.fleet.map(
      (w) =>
        `  ${w.name}: ${w.alive ? (w.jobId ? `job ${w.jobId}` : 'idle') : 'DEAD'}, warm for ${w.trees.join(', ') || 'nothing'}, ` +
        `last heartbeat ${w.heartbeatAgeSeconds} s ago` +
        (w.choice ? `; last choice: ${w.choice}` : ''),
    ),
  ];
  return `${lines.join('\n')}\n`;
}

/** Both kinds: a failed check is as lost as a failed mail, and needs a human as much. */
function outboxLine(s: StatusSnapshot): string {
  const { email, check } = s.outbox;
  const failed = email.failed + check.failed;
  return (
    `outbox backlog ${s.outboxBacklog}; mails sent ${email.sent} failed ${email.failed}; ` +
    `checks sent ${check.sent} failed ${check.failed}` +
    (failed > 0 ? ' (failed for good: see `bpfci outbox --state failed`)' : '')
  );
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('running jobs, the queue, the last poll per source, the outbox and the lanes')
    .option('--json', 'print JSON (the same numbers as /metrics)')
    .action(
      action((flags: { json?: boolean }) => {
        const ctx = openContext(program.opts());
        try {
          const snapshot = collectStatus(ctx);
          if (flags.json) printJson(snapshot);
          else process.stdout.write(text(snapshot));
          return EXIT.ok;
        } finally {
          closeContext(ctx);
        }
      }),
    );
}
