import { renameSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context.js';
import { fetchTree, treeTip } from '../../src/trees/fetch.js';
import { getTreeState } from '../../src/trees/state.js';
import { treeInfo } from '../../src/trees/tree-config.js';
import { commit, gitSync, makeKernelLikeRepo, testContext } from '../helpers/kernel-like-repo.js';

let ctx: AppContext;
afterEach(() => ctx?.db.close());

const refs = (mirror: string) =>
  gitSync(mirror, 'for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads');

describe('tree mirrors', () => {
  it('creates one bare mirror per upstream and publishes the branch tip', async () => {
    const upstream = makeKernelLikeRepo();
    ctx = testContext({
      trees: { a: { upstream }, b: { upstream: `${upstream}/` } },
    });
    const head = await fetchTree(ctx, 'a');
    expect(head).toMatchObject({ tree: 'a', branch: 'master', changed: true });
    expect(head.sha).toBe(gitSync(upstream, 'rev-parse', 'HEAD'));
    expect(gitSync(head.mirror, 'rev-parse', '--is-bare-repository')).toBe('true');
    expect(treeInfo(ctx, 'b').mirror).toBe(head.mirror);
    expect(getTreeState(ctx, 'a')).toMatchObject({ goodSha: head.sha, lastError: null });
    expect((await fetchTree(ctx, 'a')).changed).toBe(false);
  });

  it('follows new commits and prunes deleted branches', async () => {
    const upstream = makeKernelLikeRepo();
    gitSync(upstream, 'branch', 'old-topic');
    ctx = testContext({ trees: { bpf: { upstream } } });
    const first = await fetchTree(ctx, 'bpf');
    expect(refs(first.mirror)).toContain('refs/heads/old-topic');
    const next = commit(upstream, 'bpf: more', { 'kernel/bpf/z.c': 'int z;\n' });
    gitSync(upstream, 'branch', '-D', 'old-topic');
    const second = await fetchTree(ctx, 'bpf');
    expect(second).toMatchObject({ sha: next, changed: true });
    expect(refs(second.mirror)).not.toContain('old-topic');
    expect(await treeTip(ctx, 'bpf')).toBe(next);
  });

  it('keeps the last good state when the upstream is gone', async () => {
    const upstream = makeKernelLikeRepo();
    ctx = testContext({ trees: { bpf: { upstream } } });
    const good = await fetchTree(ctx, 'bpf');
    const before = refs(good.mirror);
    renameSync(upstream, `${upstream}.moved`);
    await expect(fetchTree(ctx, 'bpf')).rejects.toMatchObject({ code: 'TREE_FETCH' });
    expect(refs(good.mirror)).toBe(before);
    const state = getTreeState(ctx, 'bpf');
    expect(state?.goodSha).toBe(good.sha);
    expect(state?.lastError).toContain('fetch of bpf');
  });

  it('refuses to publish a fetch that lacks the configured branch', async () => {
    const upstream = makeKernelLikeRepo();
    ctx = testContext({ trees: { bpf: { upstream } } });
    const good = await fetchTree(ctx, 'bpf');
    gitSync(upstream, 'branch', '-m', 'master', 'main');
    await expect(fetchTree(ctx, 'bpf')).rejects.toMatchObject({
      code: 'TREE_FETCH',
      message: expect.stringContaining('branch master not found'),
    });
    expect(await treeTip(ctx, 'bpf')).toBe(good.sha);
    expect(refs(good.mirror)).not.toContain('main');
  });

  it('gives up on a fetch that hangs after its timeout', async () => {
    const sockets: Socket[] = [];
    const server: Server = createServer((s) => sockets.push(s)); // accepts, never answers
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    ctx = testContext({
      trees: { bpf: { upstream: `git://127.0.0.1:${port}/bpf.git`, fetchTimeoutSeconds: 1 } },
    });
    try {
      await expect(fetchTree(ctx, 'bpf')).rejects.toMatchObject({
        code: 'TREE_FETCH',
        message: expect.stringContaining('timed out after 1s'),
      });
      expect(getTreeState(ctx, 'bpf')?.goodSha).toBeNull();
    } finally {
      for (const s of sockets) s.destroy();
      server.close();
    }
  });

  it('rejects an unknown tree name with the known ones', () => {
    ctx = testContext({ trees: { bpf: { upstream: '/nonexistent' } } });
    expect(() => treeInfo(ctx, 'net')).toThrow('unknown tree "net" (known: bpf)');
  });
});
