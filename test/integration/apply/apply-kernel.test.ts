import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../../src/context.js';
import { runChecked } from '../../../src/exec/run.js';
import { acquireLane, type Lane, resetLane } from '../../../src/lanes/lane.js';
import { applySeries } from '../../../src/pipeline/apply/apply-series.js';
import { checkoutPatch } from '../../../src/pipeline/apply/checkout.js';
import { applyRouted } from '../../../src/pipeline/apply/route.js';
import { gitSync, mtimes, testContext } from '../../helpers/kernel-like-repo.js';
import { loadKernelSeries } from '../../helpers/kernel-series.js';

/**
 * The real Debian 6.1 tree (scripts/prepare-kernel-tree.sh: cached across runs in
 * $BPFCI_CACHE, built once on a fresh machine), mirrored and checked out in a lane
 * exactly as the daemon does, with the series the end-to-end test also uses.
 */
let ctx: AppContext;
let lane: Lane;
let base: string;

beforeAll(async () => {
  const prepared = await runChecked(
    ['bash', join(import.meta.dirname, '../../../scripts/prepare-kernel-tree.sh')],
    {
      env: { ...process.env },
      timeoutMs: 1_800_000,
    },
  );
  const repo = prepared.stdoutTail.trim().split('\n').pop() ?? '';
  base = gitSync(repo, 'rev-parse', 'base-6.1^{commit}');
  // The lane is kept across runs like the daemon keeps it: the first run pays for the
  // 78k-file checkout (minutes on a loaded 2-core host), later runs reuse it.
  const stateDir = join(dirname(repo), 'test-state', 'apply-kernel');
  mkdirSync(stateDir, { recursive: true });
  // Only the mirror and the lane's checkout are worth keeping; a DB from an older
  // schema is not (the worktree is recognised and kept without it).
  for (const f of ['bpfci.sqlite', 'bpfci.sqlite-wal', 'bpfci.sqlite-shm'])
    rmSync(join(stateDir, f), { force: true });
  ctx = testContext(
    {
      trees: { 'bpf-next': { upstream: repo, branch: 'master' } },
      routing: { default: 'bpf-next', tags: { 'bpf-next': 'bpf-next' } },
    },
    stateDir,
  );
  lane = await acquireLane(ctx, 'bpf-next', { jobId: 'kernel-test' });
});

afterAll(async () => {
  await lane?.release();
  ctx?.db.close();
});

describe('apply on the real 6.1 tree', () => {
  it('applies the good series on base-commit, then returns to base touching only its files', async () => {
    await resetLane(lane, base, ctx);
    const before = mtimes(lane.worktree);
    const baseTree = gitSync(lane.worktree, 'rev-parse', 'HEAD^{tree}');
    await new Promise((r) => setTimeout(r, 20));
    await lane.release();
    const { result, lane: used } = await applyRouted(ctx, loadKernelSeries('good'));
    lane = used;
    expect(used.tree).toBe('bpf-next');
    expect(result.status).toBe('pass');
    expect(result.baseSha).toBe(base);
    expect(result.baseReason).toContain('base-commit');
    expect(result.patches.map((p) => p.status)).toEqual(['applied', 'applied']);
    const applied = mtimes(used.worktree);
    const touched = [...applied].filter(([f, t]) => before.get(f) !== t).map(([f]) => f);
    expect(touched.sort()).toEqual([
      'kernel/bpf/verifier.c',
      'tools/testing/selftests/bpf/verifier/alu64_sum.c',
    ]);
    await checkoutPatch(used, result, 0);
    const after = mtimes(used.worktree);
    const changed = [...after].filter(([f, t]) => before.get(f) !== t).map(([f]) => f);
    expect(changed).toEqual(['kernel/bpf/verifier.c']);
    expect(after.size).toBe(before.size);
    expect(gitSync(used.worktree, 'status', '--porcelain')).toBe('');
    expect(gitSync(used.worktree, 'rev-parse', 'HEAD^{tree}')).toBe(baseTree);
  });

  it('reports the conflicting copy: patch 1, kernel/bpf/verifier.c', async () => {
    const r = await applySeries(ctx, lane, loadKernelSeries('conflict'));
    expect(r.status).toBe('conflict');
    expect(r.baseSha).toBe(base);
    expect(r.patches.map((p) => p.status)).toEqual(['failed', 'not-attempted']);
    expect(r.patches[0]?.conflictFiles).toEqual(['kernel/bpf/verifier.c']);
    // No 3-way merge is possible (the patch's preimage blob is unknown): the report shows
    // the context the patch expected instead.
    expect(r.patches[0]?.conflictDiff).toContain('insn is less then 4096');
    expect(r.reason).toContain('patch 1/2 "bpf: Fix a typo in the bpf_check() comment"');
    expect(gitSync(lane.worktree, 'status', '--porcelain')).toBe('');
  });

  it('applies the bad series (it breaks a test, not the apply)', async () => {
    const r = await applySeries(ctx, lane, loadKernelSeries('bad'));
    expect(r.status).toBe('pass');
    expect(r.patches).toHaveLength(3);
    expect(r.patches[1]?.subject).toBe(
      'selftests/bpf: Expect other results from add+sub+mul and global_data',
    );
    expect(gitSync(lane.worktree, 'diff', '--stat', base, 'HEAD')).toContain('basic_instr.c');
  });
});
