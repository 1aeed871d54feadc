import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildKernel } from '../../../src/pipeline/build/kernel.js';
import { buildContext, fakeLane, openTempDir } from '../../helpers/build-tree.js';

/**
 * A patch is code from a stranger: each test adds a hostile rule to the fake
 * kernel's Makefile (as a series would), builds it through the real pipeline
 * and checks the effect did not happen, what the verdict says, and that
 * nothing of the build outlives it.
 */
function withRule(lane: ReturnType<typeof fakeLane>, recipe: string): void {
  const makefile = readFileSync(join(lane.target.srcDir, 'Makefile'), 'utf8');
  lane.commit(
    { Makefile: `${makefile}\nall: hostile\nhostile:\n\t${recipe}\n.PHONY: hostile\n` },
    'hostile',
  );
}

/** Live processes of the sandbox uid (zombies are dead; the host's init reaps them late). */
function leftovers(uid: number): string[] {
  // ps exits 1 when the uid has no process at all.
  const out = spawnSync('ps', ['-u', String(uid), '-o', 'stat=,pid=,cmd='], {
    encoding: 'utf8',
  }).stdout;
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('Z'));
}

let server: Server | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

describe('hostile patches are contained by the build sandbox', () => {
  it('cannot connect to a listener on 127.0.0.1', async () => {
    let connections = 0;
    server = createServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const recipe = `bash -c 'echo hello > /dev/tcp/127.0.0.1/${port}'`;

    const lane = fakeLane();
    withRule(lane, recipe);
    const r = await buildKernel(buildContext(), lane.target, {
      profile: 'minimal',
      logDir: openTempDir('bpfci-logs-'),
    });
    expect(connections).toBe(0);
    expect(r.status).toBe('contained');
    expect(r.reason).toMatch(/network/);

    // The same rule without the sandbox does connect: the assertion above can fail.
    const open = fakeLane();
    withRule(open, recipe);
    await buildKernel(buildContext({ sandbox: { enabled: false } }), open.target, {
      profile: 'minimal',
      logDir: openTempDir('bpfci-logs-'),
    });
    expect(connections).toBe(1);
  });

  it('cannot write outside its lane, nor into its own source tree', async () => {
    const lane = fakeLane();
    const outside = join(lane.root, 'outside.txt');
    const inTree = join(lane.target.srcDir, 'planted.txt');
    withRule(lane, `echo pwned > ${outside}; echo pwned > ${inTree}`);
    const r = await buildKernel(buildContext(), lane.target, {
      profile: 'minimal',
      logDir: openTempDir('bpfci-logs-'),
    });
    expect(existsSync(outside)).toBe(false);
    expect(existsSync(inTree)).toBe(false);
    expect(r.status).toBe('contained');
    expect(r.reason).toMatch(/outside its lane/);
  });

  it("cannot read the bot's config file or environment secrets", async () => {
    const ctx = buildContext();
    process.env.BPFCI_TEST_TOKEN = ctx.secret;
    try {
      const lane = fakeLane();
      withRule(lane, `-cat ${ctx.configFile}; env; ls ${ctx.stateDir}`);
      const r = await buildKernel(ctx, lane.target, {
        profile: 'minimal',
        logDir: openTempDir('bpfci-logs-'),
      });
      const log = readFileSync(r.logPath as string, 'utf8');
      expect(log).toContain('No such file or directory');
      expect(log).not.toContain(ctx.secret);
      expect(log).not.toContain('BPFCI_TEST_TOKEN');
    } finally {
      delete process.env.BPFCI_TEST_TOKEN;
    }
  });

  it('a fork bomb hits the process limit and is killed at the time limit', async () => {
    const ctx = buildContext({ timeoutSeconds: 10, sandbox: { maxProcesses: 64 } });
    const lane = fakeLane();
    withRule(lane, `bash -c 'while true; do sleep 1000 & done'`);
    const r = await buildKernel(ctx, lane.target, {
      profile: 'minimal',
      logDir: openTempDir('bpfci-logs-'),
    });
    expect(r.status).toBe('timeout');
    expect(readFileSync(r.logPath as string, 'utf8')).toMatch(/Resource temporarily unavailable/);
    await new Promise((res) => setTimeout(res, 500));
    expect(leftovers(ctx.config.build.sandbox.uid)).toEqual([]);
  });

  it('a rule that never finishes is killed at the time limit, with all its children', async () => {
    const ctx = buildContext({ timeoutSeconds: 3 });
    const lane = fakeLane();
    withRule(lane, 'sleep 100000 & sleep 100000');
    const r = await buildKernel(ctx, lane.target, {
      profile: 'minimal',
      logDir: openTempDir('bpfci-logs-'),
    });
    expect(r.status).toBe('timeout');
    expect(r.reason).toMatch(/time limit/);
    await new Promise((res) => setTimeout(res, 500));
    expect(leftovers(ctx.config.build.sandbox.uid)).toEqual([]);
  });
});
