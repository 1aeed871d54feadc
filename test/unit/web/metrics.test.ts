import { describe, expect, it } from 'vitest';
import type { StatusSnapshot } from '../../../src/daemon/status.js';
import { renderMetrics } from '../../../src/web/metrics.js';

type FleetRow = StatusSnapshot['fleet'][number];

function fleetWorker(w: Partial<FleetRow> & { name: string }): FleetRow {
  const at = '2026-01-01T00:00:00.000Z';
  const base = { trees: [], accepting: true, slots: 1, heartbeatAt: at, firstSeenAt: at };
  return { ...base, alive: true, heartbeatAgeSeconds: 0, ...w };
}

const snapshot: StatusSnapshot = {
  generatedAt: '2026-01-01T00:00:00.000Z',
  jobs: { queued: 3, running: 1, done: 10, cancelled: 2, failed: 1 },
  queueDepth: 3,
  running: [],
  queued: [],
  sources: [
    { source: 'lore', lastPollAt: '2026-01-01T00:00:00.000Z', pollsTotal: 5, errorsTotal: 0 },
    {
      source: 'pw"x',
      lastPollAt: '2026-01-01T00:00:00.000Z',
      pollsTotal: 5,
      errorsTotal: 2,
      lastErrorCode: 'HTTP_FAILED',
    },
  ],
  outbox: {
    email: { pending: 1, sent: 7, failed: 1, skipped: 2 },
    check: { pending: 0, sent: 20, failed: 0, skipped: 0 },
  },
  outboxBacklog: 1,
  lanes: [],
  stages: { build: { count: 4, seconds: 120.5 } },
  disk: { freeBytes: 1000, minFreeBytes: 10, low: false },
  fleet: [
    fleetWorker({ name: 'w1', trees: ['bpf', 'bpf-next'], jobId: 42, heartbeatAgeSeconds: 3 }),
    fleetWorker({ name: 'w2', alive: false, heartbeatAgeSeconds: 600 }),
  ],
};

describe('web/metrics', () => {
  it('exports the snapshot in Prometheus text format', () => {
    const text = renderMetrics(snapshot);
    expect(text).toContain('# TYPE bpfci_queue_depth gauge\nbpfci_queue_depth 3\n');
    expect(text).toContain('bpfci_jobs{state="cancelled"} 2');
    expect(text).toContain('bpfci_stage_duration_seconds_sum{stage="build"} 120.5');
    expect(text).toContain('bpfci_stage_duration_seconds_count{stage="build"} 4');
    expect(text).toContain('bpfci_poll_errors_total{source="pw\\"x"} 2');
    expect(text).toContain('bpfci_mails_sent_total 7');
    expect(text).toContain('bpfci_mails_failed_total 1');
    expect(text).toContain('bpfci_last_poll_timestamp_seconds{source="lore"} 1767225600');
    expect(text.endsWith('\n')).toBe(true);
  });

  it("shows a fleet's workers: up, busy, heartbeat age, job and warm trees", () => {
    const text = renderMetrics(snapshot);
    expect(text).toContain('bpfci_worker_up{worker="w1"} 1\nbpfci_worker_up{worker="w2"} 0');
    expect(text).toContain('bpfci_worker_busy{worker="w1"} 1\nbpfci_worker_busy{worker="w2"} 0');
    expect(text).toContain('bpfci_worker_heartbeat_age_seconds{worker="w2"} 600');
    expect(text).toContain('bpfci_worker_job{worker="w1"} 42');
    expect(text).toContain('bpfci_worker_warm_tree{worker="w1",tree="bpf-next"} 1');
    expect(renderMetrics({ ...snapshot, fleet: [] })).not.toContain('bpfci_worker_');
  });

  it('writes only well-formed sample lines', () => {
    for (const line of renderMetrics(snapshot).trim().split('\n')) {
      if (line.startsWith('#')) expect(line).toMatch(/^# (HELP|TYPE) bpfci_[a-z_]+ /);
      else expect(line).toMatch(/^bpfci_[a-z_]+(\{[^}]*\})? -?\d+(\.\d+)?$/);
    }
  });
});
