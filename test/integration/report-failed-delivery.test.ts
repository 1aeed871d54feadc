import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { registerReport } from '../../src/cli/report.js';
import { registerRun } from '../../src/cli/run.js';
import { registerStatus } from '../../src/cli/status.js';
import { closeContext, openContext } from '../../src/context.js';
import { enqueueReports } from '../../src/report/enqueue.js';
import type { Verdict } from '../../src/verdict/verdict.js';
import { runCliInProcess } from '../helpers/cli-in-process.js';
import { writeConfig } from '../helpers/daemon-cli.js';
import { type PatchworkFake, startPatchworkFake } from '../helpers/patchwork-fake/index.js';
import { RUN_URL, SCENARIOS, series } from '../unit/report/scenarios.js';

const TOKEN_ENV = 'BPFCI_TEST_PW_REJECT_TOKEN';

/**
 * Patchwork rejecting every check (the token's user is not a maintainer: 403 on
 * each POST, as the real server answers). The failures must show in `bpfci status`
 * and make the commands that deliver exit non-zero, not only in `--json`.
 */
describe('checks rejected for good', () => {
  let pw: PatchworkFake;
  let file: string;
  let queued: number;
  beforeAll(async () => {
    pw = await startPatchworkFake();
    process.env[TOKEN_ENV] = pw.outsiderToken;
  });
  afterAll(async () => {
    delete process.env[TOKEN_ENV];
    await pw?.stop();
  });

  beforeEach(() => {
    const dir = mkdtempSync(join(tmpdir(), 'bpfci-rejected-'));
    file = join(dir, 'config.yaml');
    writeConfig(file, {
      log: { level: 'error' },
      state: { dir: join(dir, 'state') },
      suites: [{ name: 'test_verifier', kind: 'test_verifier' }],
      sources: {
        patchwork: { url: pw.base, project: 'netdevbpf', tokenEnv: TOKEN_ENV, timeoutSeconds: 2 },
      },
      report: { baseUrl: 'https://ci.example.org', dryRun: false },
      daemon: { minFreeDiskGb: 0 },
    });
    // A verdict's checks, as the daemon would have queued them: one per patch and context.
    const ctx = openContext({ config: file });
    const input = {
      runId: 42,
      series: series(),
      verdict: SCENARIOS.success as Verdict,
      runUrl: RUN_URL,
    };
    queued = enqueueReports(ctx, input).queued;
    expect(queued).toBeGreaterThan(3);
    closeContext(ctx);
  });

  const cli = (register: Parameters<typeof runCliInProcess>[0], ...args: string[]) =>
    runCliInProcess(register, ['--config', file, ...args]);

  it('bpfci send exits 2 and bpfci status shows the failed checks in text', async () => {
    const send = await cli(registerReport, 'send');
    expect(send.code).toBe(2);
    expect(pw.checkPosts.at(-1)?.status).toBe(403);

    const status = await cli(registerStatus, 'status');
    expect(status.code).toBe(0);
    expect(status.out).toContain(
      `outbox backlog 0; mails sent 0 failed 0; checks sent 0 failed ${queued} (failed for good: see \`bpfci outbox --state failed\`)\n`,
    );
    const json = JSON.parse((await cli(registerStatus, 'status', '--json')).out);
    expect(json.outbox.check.failed).toBe(queued);
  });

  it('bpfci run --once exits 2 when a report failed for good', async () => {
    const run = await cli(registerRun, 'run', '--once');
    expect(run.code).toBe(2);
    expect(JSON.parse(run.out)).toMatchObject({ deliveryFailed: queued });
  });

  it('with nothing failed, status says so and run --once exits 0', async () => {
    process.env[TOKEN_ENV] = pw.token;
    try {
      const run = await cli(registerRun, 'run', '--once');
      expect(run.code).toBe(0);
      const status = await cli(registerStatus, 'status');
      expect(status.out).toContain(`checks sent ${queued} failed 0\n`);
    } finally {
      process.env[TOKEN_ENV] = pw.outsiderToken;
    }
  });
});
