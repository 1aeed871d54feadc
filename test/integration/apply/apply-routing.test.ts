import { afterEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../../src/context.js';
import { acquireLane } from '../../../src/lanes/lane.js';
import { applySeries } from '../../../src/pipeline/apply/apply-series.js';
import { applyRouted } from '../../../src/pipeline/apply/route.js';
import { selectBase } from '../../../src/pipeline/apply/select-base.js';
import { fetchTree } from '../../../src/trees/fetch.js';
import {
  commit,
  gitSync,
  makeKernelLikeRepo,
  makeSeries,
  tempDir,
  testContext,
  verifierWith,
} from '../../helpers/kernel-like-repo.js';
import { asSeries } from './helpers.js';

let ctx: AppContext;
afterEach(() => ctx?.db.close());

/** Two trees: bpf-next is bpf plus a verifier change a bpf-next series builds on. */
function twoTrees(fallback: string[] = []) {
  const bpf = makeKernelLikeRepo();
  const bpfNext = tempDir('bpfci-next-');
  gitSync(bpfNext, 'clone', '-q', bpf, '.');
  commit(bpfNext, 'bpf: next-only change', {
    'kernel/bpf/verifier.c': verifierWith('static int next_only = 1;\n'),
  });
  ctx = testContext({
    trees: { bpf: { upstream: bpf }, 'bpf-next': { upstream: bpfNext } },
    routing: {
      default: 'bpf-next',
      tags: { bpf: 'bpf', 'bpf-next': 'bpf-next' },
      delegates: { netdev: 'bpf' },
      fallback,
    },
  });
  return { bpf, bpfNext };
}

const nextSeries = (bpfNext: string) =>
  makeSeries(bpfNext, (w) =>
    commit(w, 'bpf: build on next_only', {
      'kernel/bpf/verifier.c': verifierWith('static int next_only = 2;\n'),
    }),
  );

describe('base selection', () => {
  it('routes by subject tag, then delegate, then default', async () => {
    const { bpf, bpfNext } = twoTrees();
    const tipBpf = gitSync(bpf, 'rev-parse', 'HEAD');
    const tipNext = gitSync(bpfNext, 'rev-parse', 'HEAD');
    const [byTag] = await selectBase(ctx, { treeTag: 'BPF', delegate: 'netdev', patches: [] });
    expect(byTag).toMatchObject({ tree: 'bpf', sha: tipBpf, source: 'tag' });
    expect(byTag?.reason).toContain('subject tag [bpf]');
    const [byDelegate] = await selectBase(ctx, { treeTag: 'RFC', delegate: 'netdev', patches: [] });
    expect(byDelegate).toMatchObject({ tree: 'bpf', source: 'delegate' });
    const [byDefault] = await selectBase(ctx, { patches: [] });
    expect(byDefault).toMatchObject({ tree: 'bpf-next', sha: tipNext, source: 'default' });
  });

  it('honours base-commit when a mirror has it, even in another tree', async () => {
    const { bpfNext } = twoTrees();
    const older = gitSync(bpfNext, 'rev-parse', 'HEAD~1');
    const nextOnly = gitSync(bpfNext, 'rev-parse', 'HEAD');
    commit(bpfNext, 'bpf: later', { Makefile: 'VERSION = 6\nPATCHLEVEL = 2\n' });
    const [c1] = await selectBase(ctx, { baseCommit: older, patches: [] });
    expect(c1).toMatchObject({ tree: 'bpf-next', sha: older, source: 'base-commit' });
    // A bpf-tagged series based on a bpf-next commit: the commit decides.
    const [c2] = await selectBase(ctx, {
      baseCommit: nextOnly.slice(0, 12),
      treeTag: 'bpf',
      patches: [],
    });
    expect(c2).toMatchObject({ tree: 'bpf-next', sha: nextOnly, source: 'base-commit' });
  });

  it('says so when base-commit is unknown and uses the routed tree', async () => {
    twoTrees();
    const cands = await selectBase(ctx, {
      baseCommit: 'deadbeef'.repeat(5),
      treeTag: 'bpf',
      patches: [],
    });
    expect(cands[0]).toMatchObject({ tree: 'bpf', source: 'tag' });
    expect(cands[0]?.reason).toContain('base-commit deadbeefdead is not in any mirror');
    const junk = await selectBase(ctx, { baseCommit: '--output=/tmp/x', patches: [] });
    expect(junk[0]?.reason).toContain('base-commit is not a commit id');
  });

  it('applies on the base-commit in the routed tree, not on its tip', async () => {
    // Both mirrors have the commit (bpf-next grew from bpf); the routed tree's wins.
    const { bpf } = twoTrees();
    const base = gitSync(bpf, 'rev-parse', 'HEAD');
    const mails = makeSeries(bpf, (w) => commit(w, 'bpf: x', { 'kernel/bpf/x.c': 'int x;\n' }));
    commit(bpf, 'bpf: upstream moves on', { 'kernel/bpf/y.c': 'int y;\n' });
    await fetchTree(ctx, 'bpf');
    const { result, lane } = await applyRouted(
      ctx,
      asSeries(mails, { baseCommit: base, treeTag: 'bpf' }),
    );
    await lane.release();
    expect(result).toMatchObject({ status: 'pass', tree: 'bpf', baseSha: base });
    expect(result.baseReason).toContain('base-commit');
  });
});

describe('applyRouted', () => {
  it('falls back to the next tree when a series was sent against the wrong tree', async () => {
    const { bpfNext } = twoTrees(['bpf-next']);
    const series = asSeries(nextSeries(bpfNext), { treeTag: 'bpf' });
    const { result, lane } = await applyRouted(ctx, series, { jobId: 'j1' });
    expect(lane.tree).toBe('bpf-next');
    expect(result).toMatchObject({ status: 'pass', tree: 'bpf-next' });
    expect(result.attempts?.map((a) => [a.tree, a.status])).toEqual([
      ['bpf', 'conflict'],
      ['bpf-next', 'pass'],
    ]);
    expect(result.attempts?.[0]?.reason).toContain('kernel/bpf/verifier.c');
    // The bpf lane was released; bpf-next is still held for the build.
    const other = await acquireLane(ctx, 'bpf');
    await other.release();
    await expect(acquireLane(ctx, 'bpf-next')).rejects.toMatchObject({ code: 'LANE_BUSY' });
    await lane.release();
  });

  it('without fallback, reports the conflict in the routed tree', async () => {
    const { bpfNext } = twoTrees();
    const { result, lane } = await applyRouted(
      ctx,
      asSeries(nextSeries(bpfNext), { treeTag: 'bpf' }),
    );
    await lane.release();
    expect(result).toMatchObject({ status: 'conflict', tree: 'bpf' });
    expect(result.patches[0]?.conflictFiles).toEqual(['kernel/bpf/verifier.c']);
    expect(result.attempts).toBeUndefined();
  });
});

describe('already applied upstream', () => {
  it('recognises a series the maintainer applied as is', async () => {
    const { bpf } = twoTrees();
    const mails = makeSeries(bpf, (w) => {
      commit(w, 'bpf: one', { 'kernel/bpf/a.c': 'int a;\n' });
      commit(w, 'bpf: two', { 'kernel/bpf/syscall.c': 'int changed;\n' });
    });
    const series = asSeries(mails, { treeTag: 'bpf' });
    const lane = await acquireLane(ctx, 'bpf');
    // Upstream takes the series (git am in a clone, pushed back).
    const maint = tempDir('bpfci-maint-');
    gitSync(maint, 'clone', '-q', bpf, '.');
    for (const [i, m] of mails.entries()) {
      (await import('node:fs')).writeFileSync(`${maint}/${i}.patch`, m.mbox);
      gitSync(maint, 'am', '-q', `${i}.patch`);
    }
    commit(maint, 'bpf: later work', { 'kernel/bpf/syscall.c': 'int changed_again;\n' });
    gitSync(maint, 'push', '-q', bpf, 'HEAD:refs/heads/tmp');
    gitSync(bpf, 'reset', '-q', '--hard', 'tmp');
    await fetchTree(ctx, 'bpf');
    const r = await applySeries(ctx, lane, series);
    await lane.release();
    expect(r.status).toBe('already-applied');
    expect(r.patches[0]?.upstream?.by).toMatch(/patch-id|no-change/);
    expect(r.patches[1]?.upstream?.by).toBe('patch-id');
    expect(r.reason).toContain('already in the base');
  });

  it('recognises by subject a series applied with edits', async () => {
    const { bpf } = twoTrees();
    const mails = makeSeries(bpf, (w) =>
      commit(w, 'bpf: tweak syscall', { 'kernel/bpf/syscall.c': 'int mine;\n' }),
    );
    commit(bpf, 'bpf: tweak syscall', { 'kernel/bpf/syscall.c': 'int edited_by_maintainer;\n' });
    await fetchTree(ctx, 'bpf');
    const lane = await acquireLane(ctx, 'bpf');
    const r = await applySeries(ctx, lane, asSeries(mails, { treeTag: 'bpf' }));
    await lane.release();
    expect(r.status).toBe('already-applied');
    expect(r.patches[0]).toMatchObject({ status: 'failed', upstream: { by: 'subject' } });
  });

  it('a partly-upstream series that conflicts is still a conflict', async () => {
    const { bpf } = twoTrees();
    const mails = makeSeries(bpf, (w) => {
      commit(w, 'bpf: tweak syscall', { 'kernel/bpf/syscall.c': 'int mine;\n' });
      commit(w, 'bpf: more', { 'kernel/bpf/verifier.c': 'int more;\n' });
    });
    commit(bpf, 'bpf: tweak syscall', { 'kernel/bpf/syscall.c': 'int edited;\n' });
    await fetchTree(ctx, 'bpf');
    const lane = await acquireLane(ctx, 'bpf');
    const r = await applySeries(ctx, lane, asSeries(mails, { treeTag: 'bpf' }));
    await lane.release();
    expect(r.status).toBe('conflict');
  });
});
