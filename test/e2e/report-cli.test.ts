import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { Config } from '../../src/config/schema.js';
import { openDatabase } from '../../src/db/open.js';
import { silentLogger } from '../../src/log.js';
import { enqueueReports } from '../../src/report/enqueue.js';
import { NOW, RUN_URL, SCENARIOS, series } from '../unit/report/scenarios.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'bpfci-report-cli-'));
const configFile = join(dir, 'bpfci.yaml');

/** A config with email (to an SMTP port nobody listens on: nothing may be sent) and Patchwork. */
const raw = {
  version: 1,
  state: { dir: join(dir, 'state') },
  sources: {
    patchwork: { url: 'http://127.0.0.1:9', project: 'netdevbpf', tokenEnv: 'BPFCI_E2E_PW_TOKEN' },
  },
  suites: [{ name: 'test_progs', kind: 'test_progs' }],
  report: {
    baseUrl: 'https://ci.example.org',
    email: {
      from: 'bpfci <bpfci@ci.example.org>',
      smtp: { host: '127.0.0.1', port: 9, tls: 'none' },
      cc: ['bpf@vger.kernel.org'],
    },
  },
};

function bpfci(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'dist/main.js'), '-c', configFile, ...args], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: tmpdir(),
      BPFCI_LOG_LEVEL: 'warn',
      BPFCI_E2E_PW_TOKEN: 'x'.repeat(40),
    },
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist/cli/report.js'))) {
    const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
    if (build.status !== 0)
      throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
  }
  writeFileSync(configFile, stringify(raw));
  const config = Config.parse(raw);
  process.env.BPFCI_E2E_PW_TOKEN = 'x'.repeat(40);
  const db = openDatabase(join(dir, 'state', 'bpfci.sqlite'));
  const ctx = { config, configFile, db, log: silentLogger, stateDir: join(dir, 'state') };
  const one = { ...series(), patches: series().patches.slice(0, 1) };
  enqueueReports(
    ctx,
    { runId: 42, series: one, verdict: SCENARIOS['new-failure'] as never, runUrl: RUN_URL },
    NOW,
  );
  enqueueReports(
    ctx,
    { runId: 43, series: one, verdict: SCENARIOS.success as never, runUrl: RUN_URL },
    NOW,
  );
  db.close();
  delete process.env.BPFCI_E2E_PW_TOKEN;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bpfci outbox / send (built CLI)', () => {
  it('lists the outbox as JSON with the reasons for skipped rows', () => {
    const r = bpfci('outbox', '--json');
    expect(r.code).toBe(0);
    const items = JSON.parse(r.out) as {
      id: number;
      kind: string;
      state: string;
      what: string;
      note: string | null;
    }[];
    const emails = items.filter((i) => i.kind === 'email');
    expect(emails.map((e) => [e.state, e.note])).toEqual([
      ['skipped', 'success (policy: failure-only)'],
      ['pending', null],
    ]);
    // apply, build, boot and the two suites that ran, for each of the two runs.
    expect(items.filter((i) => i.kind === 'check')).toHaveLength(10);
  });

  it('send --dry-run prints the exact mail and POSTs, and changes nothing', () => {
    const before = bpfci('outbox', '--json').out;
    const r = bpfci('send', '--dry-run');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Subject: Re: [PATCH bpf-next v3 0/3] bpf: Add bpf_foo_lookup() kfunc');
    expect(r.out).toContain('In-Reply-To: <20261124-bpf-foo-lookup-v3-0@example.org>');
    expect(r.out).toContain('First new failure: test_progs: bpf_cookie/perf_event');
    // Run 43's checks overtake run 42's for the same patch and context.
    expect(r.out).toContain(
      'POST http://127.0.0.1:9/api/1.2/patches/5/checks/ {"context":"bpfci-test_progs-x86_64","state":"success"',
    );
    expect(r.out).not.toContain('"state":"fail"');
    expect(bpfci('outbox', '--json').out).toBe(before);
  });

  it('shows one report and requeues a skipped one', () => {
    const items = JSON.parse(bpfci('outbox', '--json', '--state', 'skipped').out) as {
      id: number;
    }[];
    const id = String(items[0]?.id);
    expect(bpfci('outbox', 'show', id).out).toMatch(/^X-Mailer: bpfci/);
    expect(bpfci('outbox', 'retry', id)).toMatchObject({ code: 0, out: `#${id} requeued\n` });
    expect(bpfci('outbox', 'retry', id).code).toBe(64);
  });

  it('rejects bad usage with exit 64', () => {
    expect(bpfci('outbox', '--state', 'bogus')).toMatchObject({ code: 64 });
    expect(bpfci('outbox', 'show', 'abc')).toMatchObject({ code: 64 });
    expect(bpfci('outbox', 'show', '9999')).toMatchObject({ code: 64 });
  });
});
