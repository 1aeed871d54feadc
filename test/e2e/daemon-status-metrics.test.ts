import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import type { StatusSnapshot } from '../../src/daemon/status.js';
import { openDatabase } from '../../src/db/open.js';
import { silentLogger } from '../../src/log.js';
import { daemonSetup, requireBuild, spawnCli } from '../helpers/daemon-cli.js';
import { until } from '../helpers/daemon-deps.js';
import { seedWebState } from '../helpers/web-fixture.js';

beforeAll(() => requireBuild());

function sample(metrics: string, name: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`no sample ${name}`);
  return Number(line.slice(name.length + 1));
}

describe('e2e: bpfci status and /metrics', () => {
  it('show the same numbers', async () => {
    const setup = daemonSetup({ daemon: { minFreeDiskGb: 0 } });
    const db = openDatabase(join(setup.stateDir, 'bpfci.sqlite'));
    const config = loadConfig(setup.configFile);
    const ctx = {
      config,
      configFile: setup.configFile,
      db,
      log: silentLogger,
      stateDir: setup.stateDir,
    };
    seedWebState(ctx);
    db.prepare(
      `INSERT INTO outbox (kind, dedupe_key, payload, state, next_attempt_at, created_at)
       VALUES ('email', 'k1', '{}', 'sent', '2026-01-01', '2026-01-01'),
              ('email', 'k2', '{}', 'failed', '2026-01-01', '2026-01-01'),
              ('check', 'k3', '{}', 'pending', '2026-01-01', '2026-01-01')`,
    ).run();
    db.close();

    const status = spawnCli(setup, ['status', '--json']);
    expect(await status.exit).toBe(0);
    const s = JSON.parse(status.stdout()) as StatusSnapshot;
    const serve = spawnCli(setup, ['serve', '--port', '0']);
    await until(() => serve.stdout().includes('listening on'), 60_000);
    const url = serve.stdout().match(/listening on (\S+)/)?.[1];
    const metrics = await (await fetch(`${url}/metrics`)).text();
    serve.child.kill('SIGTERM');
    expect(await serve.exit).toBe(0);

    expect(s.queueDepth).toBe(1);
    expect(sample(metrics, 'bpfci_queue_depth')).toBe(s.queueDepth);
    for (const [state, n] of Object.entries(s.jobs)) {
      expect(sample(metrics, `bpfci_jobs{state="${state}"}`)).toBe(n);
    }
    for (const p of s.sources) {
      expect(sample(metrics, `bpfci_poll_errors_total{source="${p.source}"}`)).toBe(p.errorsTotal);
    }
    expect(s.sources.find((p) => p.source === 'patchwork')?.errorsTotal).toBe(1);
    expect(sample(metrics, 'bpfci_mails_sent_total')).toBe(s.outbox.email.sent);
    expect(sample(metrics, 'bpfci_mails_failed_total')).toBe(s.outbox.email.failed);
    expect(s.outbox.email).toMatchObject({ sent: 1, failed: 1 });
    expect(s.outboxBacklog).toBe(1);
    for (const [stage, t] of Object.entries(s.stages)) {
      expect(sample(metrics, `bpfci_stage_duration_seconds_sum{stage="${stage}"}`)).toBe(t.seconds);
      expect(sample(metrics, `bpfci_stage_duration_seconds_count{stage="${stage}"}`)).toBe(t.count);
    }
    expect(s.stages.build?.count).toBe(3);
  });

  it('prints a human summary without --json', async () => {
    const setup = daemonSetup({});
    const status = spawnCli(setup, ['status']);
    expect(await status.exit).toBe(0);
    expect(status.stdout()).toMatch(
      /^queue depth 0; jobs queued=0 running=0 done=0 cancelled=0 failed=0$/m,
    );
  });
});
