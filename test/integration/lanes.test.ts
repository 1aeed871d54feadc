import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context.js';
import { BotError } from '../../src/errors.js';
import { currentHolder } from '../../src/lanes/holder.js';
import { acquireLane, type Lane, resetLane } from '../../src/lanes/lane.js';
import {
  commit,
  gitSync,
  makeKernelLikeRepo,
  mtimes,
  testContext,
  verifierWith,
} from '../helpers/kernel-like-repo.js';

let ctx: AppContext;
const held: Lane[] = [];

function setup(): { upstream: string } {
  const upstream = makeKernelLikeRepo();
  ctx = testContext({ trees: { bpf: { upstream, branch: 'master' } } });
  return { upstream };
}

async function lane(): Promise<Lane> {
  const l = await acquireLane(ctx, 'bpf', { jobId: 'job-1' });
  held.push(l);
  return l;
}

afterEach(async () => {
  for (const l of held.splice(0)) await l.release();
  ctx?.db.close();
});

describe('lanes', () => {
  it('creates a detached worktree at the tree tip with a build dir beside it', async () => {
    const { upstream } = setup();
    const l = await lane();
    expect(l.worktree).toBe(join(ctx.stateDir, 'lanes', 'bpf', 'src'));
    expect(l.buildDir).toBe(join(ctx.stateDir, 'lanes', 'bpf', 'build'));
    expect(l.ccacheDir).toBe(join(ctx.stateDir, 'ccache'));
    expect(existsSync(l.buildDir)).toBe(true);
    expect(gitSync(l.worktree, 'rev-parse', 'HEAD')).toBe(gitSync(upstream, 'rev-parse', 'HEAD'));
    expect(() => gitSync(l.worktree, 'symbolic-ref', '-q', 'HEAD')).toThrow();
  });

  it('lets one job hold a lane at a time', async () => {
    setup();
    const l = await lane();
    const err = await acquireLane(ctx, 'bpf').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BotError);
    expect((err as BotError).code).toBe('LANE_BUSY');
    expect((err as BotError).message).toContain('job-1');
    await l.release();
    held.push(await acquireLane(ctx, 'bpf'));
  });

  it('clears a lock whose holder died, but not one whose holder lives', async () => {
    setup();
    const child = spawn('sleep', ['30']);
    const pid = child.pid as number;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    const boot = currentHolder().bootId;
    const setHolder = () =>
      ctx.db
        .prepare(
          `INSERT INTO lanes (tree, worktree, build_dir, holder_pid, holder_start, holder_boot, job_id, acquired_at, updated_at)
           VALUES ('bpf', 'w', 'b', ?, ?, ?, 'crashed-job', 'then', 'then')
           ON CONFLICT (tree) DO UPDATE SET holder_pid = excluded.holder_pid, holder_start = excluded.holder_start,
             holder_boot = excluded.holder_boot, job_id = excluded.job_id`,
        )
        .run(pid, start, boot);
    setHolder();
    await expect(acquireLane(ctx, 'bpf')).rejects.toMatchObject({ code: 'LANE_BUSY' });
    await new Promise<void>((resolve) => {
      child.on('exit', () => resolve());
      child.kill('SIGKILL');
    });
    const l = await lane();
    const row = ctx.db.prepare("SELECT holder_pid, job_id FROM lanes WHERE tree = 'bpf'").get();
    expect(row).toEqual({ holder_pid: process.pid, job_id: 'job-1' });
    await l.release();
    // A live pid that started at another time is a reused pid: stale too.
    ctx.db
      .prepare(
        "UPDATE lanes SET holder_pid = ?, holder_start = '1', holder_boot = ? WHERE tree = 'bpf'",
      )
      .run(process.pid, boot);
    held.push(await acquireLane(ctx, 'bpf'));
  });

  it('resets to a commit rewriting only the files that differ, removing stray files', async () => {
    const { upstream } = setup();
    const base = gitSync(upstream, 'rev-parse', 'HEAD');
    const next = commit(upstream, 'bpf: verifier change', {
      'kernel/bpf/verifier.c': verifierWith('/* new */\n'),
    });
    const l = await lane();
    gitSync(l.worktree, 'fetch', '-q', upstream, 'master');
    await resetLane(l, base, ctx);
    const before = mtimes(l.worktree);
    await new Promise((r) => setTimeout(r, 20));
    // Dirt a crashed job could leave: an edit, a stray file, an ignored build product.
    writeFileSync(join(l.worktree, 'include/linux/bpf.h'), 'garbage\n');
    writeFileSync(join(l.worktree, 'stray.rej'), 'x');
    writeFileSync(join(l.worktree, 'tools/testing/selftests/bpf/foo.o'), 'obj');
    await resetLane(l, next, ctx);
    await resetLane(l, base, ctx);
    const after = mtimes(l.worktree);
    const changed = [...after].filter(([f, t]) => before.get(f) !== t).map(([f]) => f);
    expect(changed.sort()).toEqual(['include/linux/bpf.h', 'kernel/bpf/verifier.c']);
    expect(gitSync(l.worktree, 'status', '--porcelain')).toBe('');
    expect(existsSync(join(l.worktree, 'stray.rej'))).toBe(false);
    expect(existsSync(join(l.worktree, 'tools/testing/selftests/bpf/foo.o'))).toBe(true);
    expect(gitSync(l.worktree, 'rev-parse', 'HEAD')).toBe(base);
  });

  it('recovers a lane left in the middle of a failed git am and with a stale index.lock', async () => {
    const { upstream } = setup();
    const base = gitSync(upstream, 'rev-parse', 'HEAD');
    const l = await lane();
    const bad =
      'From: a <a@b>\nSubject: [PATCH] x\n\n---\n--- a/nope.c\n+++ b/nope.c\n@@ -1 +1 @@\n-a\n+b\n';
    writeFileSync(join(l.worktree, '..', 'bad.mbox'), bad);
    expect(() => gitSync(l.worktree, 'am', join(l.worktree, '..', 'bad.mbox'))).toThrow();
    const gitDir = gitSync(l.worktree, 'rev-parse', '--path-format=absolute', '--git-dir');
    expect(existsSync(join(gitDir, 'rebase-apply'))).toBe(true);
    writeFileSync(join(gitDir, 'index.lock'), '');
    await resetLane(l, base, ctx);
    expect(existsSync(join(gitDir, 'rebase-apply'))).toBe(false);
    expect(gitSync(l.worktree, 'status', '--porcelain')).toBe('');
  });

  it('recreates a lane whose worktree was deleted', async () => {
    setup();
    const l = await lane();
    gitSync(l.worktree, 'rev-parse', 'HEAD');
    await l.release();
    held.pop();
    (await import('node:fs')).rmSync(l.worktree, { recursive: true, force: true });
    const again = await lane();
    expect(existsSync(join(again.worktree, 'kernel/bpf/verifier.c'))).toBe(true);
  });
});

describe('lane maintenance', () => {
  it('resets a lane by name to the tree tip after a killed job', async () => {
    const { upstream } = setup();
    const l = await lane();
    writeFileSync(join(l.worktree, 'kernel/bpf/verifier.c'), 'half-applied\n');
    await l.release();
    held.pop();
    const { resetLaneByName } = await import('../../src/lanes/maintenance.js');
    await resetLaneByName(ctx, 'bpf', 0);
    expect(gitSync(l.worktree, 'status', '--porcelain')).toBe('');
    expect(gitSync(l.worktree, 'rev-parse', 'HEAD')).toBe(gitSync(upstream, 'rev-parse', 'HEAD'));
  });

  it('prunes idle lanes nobody holds, and only those', async () => {
    const upstream = makeKernelLikeRepo();
    ctx = testContext({ trees: { bpf: { upstream }, next: { upstream } } });
    const idle = await acquireLane(ctx, 'bpf');
    await idle.release();
    const busy = await acquireLane(ctx, 'next');
    held.push(busy);
    ctx.db.prepare("UPDATE lanes SET updated_at = '2000-01-01T00:00:00.000Z'").run();
    const { pruneLanes } = await import('../../src/lanes/maintenance.js');
    expect(await pruneLanes(ctx, 14)).toEqual(['bpf']);
    expect(existsSync(join(ctx.stateDir, 'lanes', 'bpf'))).toBe(false);
    expect(existsSync(busy.worktree)).toBe(true);
    const mirror = gitSync(
      busy.worktree,
      'rev-parse',
      '--path-format=absolute',
      '--git-common-dir',
    );
    expect(gitSync(mirror, 'worktree', 'list')).not.toContain('lanes/bpf/');
    // A pruned lane comes back on demand.
    held.push(await acquireLane(ctx, 'bpf'));
  });
});
