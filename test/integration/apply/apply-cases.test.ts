import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../../src/context.js';
import { acquireLane, type Lane } from '../../../src/lanes/lane.js';
import { applySeries } from '../../../src/pipeline/apply/apply-series.js';
import { checkoutPatch } from '../../../src/pipeline/apply/checkout.js';
import { fetchTree } from '../../../src/trees/fetch.js';
import {
  commit,
  gitSync,
  makeKernelLikeRepo,
  makeSeries,
  mtimes,
  testContext,
  verifierWith,
  writeFiles,
} from '../../helpers/kernel-like-repo.js';
import { asSeries } from './helpers.js';

let ctx: AppContext;
let upstream: string;
let lane: Lane;

beforeEach(async () => {
  upstream = makeKernelLikeRepo();
  ctx = testContext({ trees: { bpf: { upstream } } });
  lane = await acquireLane(ctx, 'bpf');
});

afterEach(async () => {
  await lane.release();
  ctx.db.close();
});

const threePatches = (w: string) => {
  commit(w, 'bpf: add a helper', { 'kernel/bpf/verifier.c': verifierWith('static int helper;\n') });
  commit(w, 'bpf: change syscall', {
    'kernel/bpf/syscall.c':
      '// SPDX-License-Identifier: GPL-2.0-only\nint bpf_sys(void)\n{\n\treturn 2;\n}\n',
  });
  commit(w, 'selftests/bpf: add a test', {
    'tools/testing/selftests/bpf/verifier/new.c': '{\n\t"new",\n\t.result = ACCEPT,\n},\n',
  });
};

describe('applySeries', () => {
  it('applies a series patch by patch on the tree tip, with reproducible commits', async () => {
    const series = asSeries(makeSeries(upstream, threePatches));
    const tip = gitSync(upstream, 'rev-parse', 'HEAD');
    const r = await applySeries(ctx, lane, series);
    expect(r.status).toBe('pass');
    expect(r.baseSha).toBe(tip);
    expect(r.baseReason).toContain('the only configured tree');
    expect(r.patches.map((p) => p.status)).toEqual(['applied', 'applied', 'applied']);
    expect(r.headSha).toBe(r.patches[2]?.commit);
    expect(gitSync(lane.worktree, 'log', '--format=%s', '-3')).toBe(
      'selftests/bpf: add a test\nbpf: change syscall\nbpf: add a helper',
    );
    const again = await applySeries(ctx, lane, series);
    expect(again.patches.map((p) => p.commit)).toEqual(r.patches.map((p) => p.commit));
  });

  it('reports a conflict on patch 2 of 3 with its file and the conflict diff', async () => {
    const series = asSeries(makeSeries(upstream, threePatches));
    commit(upstream, 'bpf: upstream changed syscall meanwhile', {
      'kernel/bpf/syscall.c':
        '// SPDX-License-Identifier: GPL-2.0-only\nint bpf_sys(void)\n{\n\treturn 7;\n}\n',
    });
    await fetchTree(ctx, 'bpf');
    const r = await applySeries(ctx, lane, series);
    expect(r.status).toBe('conflict');
    expect(r.patches.map((p) => p.status)).toEqual(['applied', 'failed', 'not-attempted']);
    const p2 = r.patches[1];
    expect(p2?.failKind).toBe('conflict');
    expect(p2?.conflictFiles).toEqual(['kernel/bpf/syscall.c']);
    expect(p2?.conflictDiff).toContain('<<<<<<<');
    expect(p2?.conflictDiff).toContain('return 2;');
    expect(r.reason).toContain('patch 2/3 "bpf: change syscall"');
    expect(r.reason).toContain('kernel/bpf/syscall.c');
    // The lane is left at base + patch 1, with no am session open.
    expect(gitSync(lane.worktree, 'rev-parse', 'HEAD')).toBe(r.patches[0]?.commit);
    expect(gitSync(lane.worktree, 'status', '--porcelain')).toBe('');
  });

  it('reports a corrupt patch that git am rejects', async () => {
    const [good] = makeSeries(upstream, (w) =>
      commit(w, 'bpf: change syscall', {
        'kernel/bpf/syscall.c':
          '// SPDX-License-Identifier: GPL-2.0-only\nint bpf_sys(void)\n{\n\treturn 9;\n}\n',
      }),
    );
    const mangled = (good?.mbox ?? '').replace(/^@@ -\d+,\d+ \+\d+,\d+ @@/m, '@@ -1,40 +1,40 @@');
    const r = await applySeries(
      ctx,
      lane,
      asSeries([{ subject: 'bpf: change syscall', mbox: mangled }]),
    );
    expect(r.status).toBe('conflict');
    expect(r.patches[0]?.status).toBe('failed');
    expect(r.patches[0]?.failKind).toBe('corrupt');
    expect(r.patches[0]?.error).toMatch(/corrupt patch/);
    expect(r.reason).toContain('is not a patch git can read');
  });

  it('applies a binary patch', async () => {
    const blob = Buffer.from([9, 8, 7, 0, 255, 1, 2, 3, 0, 0, 42]);
    const series = asSeries(
      makeSeries(upstream, (w) =>
        commit(w, 'firmware: update blob', { 'firmware/blob.bin': blob }),
      ),
    );
    expect(series.patches[0]?.mbox).toContain('GIT binary patch');
    const r = await applySeries(ctx, lane, series);
    expect(r.status).toBe('pass');
    expect(readFileSync(join(lane.worktree, 'firmware/blob.bin')).equals(blob)).toBe(true);
  });

  it('applies a mail with CRLF line endings as if it had LF', async () => {
    const [mail] = makeSeries(upstream, threePatches);
    const crlf = (mail?.mbox ?? '').replace(/\n/g, '\r\n');
    const r = await applySeries(
      ctx,
      lane,
      asSeries([{ subject: mail?.subject ?? '', mbox: crlf }]),
    );
    expect(r.status).toBe('pass');
    expect(readFileSync(join(lane.worktree, 'kernel/bpf/verifier.c'), 'utf8')).not.toContain('\r');
    expect(readFileSync(join(lane.worktree, 'kernel/bpf/verifier.c'), 'utf8')).toContain(
      'static int helper;',
    );
  });

  it('reports a patch that changes a file the base does not have', async () => {
    const series = asSeries(
      makeSeries(upstream, (w) => {
        commit(w, 'local: add a file (not sent)', { 'kernel/bpf/gone.c': 'int gone;\n' });
        commit(w, 'bpf: change the file', { 'kernel/bpf/gone.c': 'int gone = 1;\n' });
      }).slice(1),
    );
    const r = await applySeries(ctx, lane, series);
    expect(r.status).toBe('conflict');
    expect(r.patches[0]?.failKind).toBe('missing-file');
    expect(r.patches[0]?.conflictFiles).toEqual(['kernel/bpf/gone.c']);
    expect(r.reason).toContain('changes a file the base does not have: kernel/bpf/gone.c');
  });

  it('skips an empty series and leaves the lane at the base', async () => {
    const r = await applySeries(ctx, lane, { patches: [] });
    expect(r).toMatchObject({ status: 'skip', reason: 'the series has no patches', patches: [] });
    expect(gitSync(lane.worktree, 'rev-parse', 'HEAD')).toBe(r.baseSha);
  });

  it('applies only the first upTo patches', async () => {
    const r = await applySeries(ctx, lane, asSeries(makeSeries(upstream, threePatches)), {
      upTo: 2,
    });
    expect(r.status).toBe('pass');
    expect(r.patches).toHaveLength(2);
  });

  it('going back to base changes the mtimes of only the touched files', async () => {
    const series = asSeries(makeSeries(upstream, threePatches));
    const base = gitSync(upstream, 'rev-parse', 'HEAD');
    const baseTree = gitSync(upstream, 'rev-parse', 'HEAD^{tree}');
    await applySeries(ctx, lane, { patches: [] });
    const before = mtimes(lane.worktree);
    await new Promise((r) => setTimeout(r, 20));
    const r = await applySeries(ctx, lane, series);
    expect(await checkoutPatch(lane, r, 1)).toBe(r.patches[0]?.commit);
    expect(await checkoutPatch(lane, r, 0)).toBe(base);
    const after = mtimes(lane.worktree);
    const changed = [...before].filter(([f, t]) => after.get(f) !== t).map(([f]) => f);
    expect(changed.sort()).toEqual(['kernel/bpf/syscall.c', 'kernel/bpf/verifier.c']);
    expect(gitSync(lane.worktree, 'status', '--porcelain')).toBe('');
    expect(gitSync(lane.worktree, 'rev-parse', 'HEAD^{tree}')).toBe(baseTree);
    // The file the series added is gone again.
    expect(after.has('tools/testing/selftests/bpf/verifier/new.c')).toBe(false);
  });

  it('ignores stray files a previous job left in the worktree', async () => {
    writeFiles(lane.worktree, {
      'kernel/bpf/verifier.c': 'broken by a crashed job\n',
      'junk.txt': 'x',
    });
    const r = await applySeries(ctx, lane, asSeries(makeSeries(upstream, threePatches)));
    expect(r.status).toBe('pass');
    expect(gitSync(lane.worktree, 'status', '--porcelain')).toBe('');
  });
});
