import { JOB_STATES } from '../daemon/queue.js';
import type { StatusSnapshot } from '../daemon/status.js';

/** A Prometheus label value: backslash, quote and newline escaped. */
function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function metric(
  out: string[],
  name: string,
  type: 'gauge' | 'counter' | 'summary',
  help: string,
  samples: [labels: Record<string, string>, value: number][],
  suffix = '',
): void {
  out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  for (const [labels, value] of samples) {
    const l = Object.entries(labels).map(([k, v]) => `${k}="${label(v)}"`);
    out.push(`${name}${suffix}${l.length ? `{${l.join(',')}}` : ''} ${value}`);
  }
}

/**
 * The Prometheus text exposition of a status snapshot: the same numbers that
 * `bpfci status --json` prints, because both come from collectStatus().
 */
export function renderMetrics(s: StatusSnapshot): string {
  const out: string[] = [];
  metric(out, 'bpfci_queue_depth', 'gauge', 'Jobs waiting to run.', [[{}, s.queueDepth]]);
  metric(
    out,
    'bpfci_jobs',
    'gauge',
    'Jobs by state.',
    JOB_STATES.map((state) => [{ state }, s.jobs[state]]),
  );
  const stages = Object.entries(s.stages);
  out.push(
    '# HELP bpfci_stage_duration_seconds Time spent in each pipeline stage.',
    '# TYPE bpfci_stage_duration_seconds summary',
  );
  for (const [stage, t] of stages) {
    out.push(`bpfci_stage_duration_seconds_sum{stage="${label(stage)}"} ${t.seconds}`);
    out.push(`bpfci_stage_duration_seconds_count{stage="${label(stage)}"} ${t.count}`);
  }
  metric(
    out,
    'bpfci_poll_errors_total',
    'counter',
    'Failed polls per source.',
    s.sources.map((p) => [{ source: p.source }, p.errorsTotal]),
  );
  metric(
    out,
    'bpfci_polls_total',
    'counter',
    'Polls per source.',
    s.sources.map((p) => [{ source: p.source }, p.pollsTotal]),
  );
  metric(
    out,
    'bpfci_last_poll_timestamp_seconds',
    'gauge',
    'Time of the last poll per source.',
    s.sources.map((p) => [{ source: p.source }, Math.floor(Date.parse(p.lastPollAt) / 1000)]),
  );
  metric(out, 'bpfci_mails_sent_total', 'counter', 'Emails sent.', [[{}, s.outbox.email.sent]]);
  metric(out, 'bpfci_mails_failed_total', 'counter', 'Emails given up on.', [
    [{}, s.outbox.email.failed],
  ]);
  metric(
    out,
    'bpfci_outbox',
    'gauge',
    'Outbox rows by kind and state.',
    (['email', 'check'] as const).flatMap((kind) =>
      Object.entries(s.outbox[kind]).map(([state, n]): [Record<string, string>, number] => [
        { kind, state },
        n,
      ]),
    ),
  );
  metric(out, 'bpfci_disk_free_bytes', 'gauge', 'Free disk in the state dir.', [
    [{}, s.disk.freeBytes],
  ]);
  metric(out, 'bpfci_disk_low', 'gauge', '1 while new jobs are refused for lack of disk.', [
    [{}, s.disk.low ? 1 : 0],
  ]);
  if (s.fleet.length > 0) {
    const each = (value: (w: StatusSnapshot['fleet'][number]) => number) =>
      s.fleet.map((w): [Record<string, string>, number] => [{ worker: w.name }, value(w)]);
    metric(
      out,
      'bpfci_worker_up',
      'gauge',
      '1 while the worker beats in time.',
      each((w) => (w.alive ? 1 : 0)),
    );
    metric(
      out,
      'bpfci_worker_busy',
      'gauge',
      '1 while the worker runs a job.',
      each((w) => (w.jobId ? 1 : 0)),
    );
    metric(
      out,
      'bpfci_worker_heartbeat_age_seconds',
      'gauge',
      'Seconds since its last heartbeat.',
      each((w) => w.heartbeatAgeSeconds),
    );
    metric(
      out,
      'bpfci_worker_job',
      'gauge',
      'The job the worker runs (0: none).',
      each((w) => w.jobId ?? 0),
    );
    metric(
      out,
      'bpfci_worker_warm_tree',
      'gauge',
      'Trees the worker has a warm lane for.',
      s.fleet.flatMap((w) =>
        w.trees.map((t): [Record<string, string>, number] => [{ worker: w.name, tree: t }, 1]),
      ),
    );
  }
  return `${out.join('\n')}\n`;
}
