import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BLACKLIST_DIR, gitIsAncestor } from '../blacklist/ancestry.js';
import { loadBlacklist } from '../blacklist/load.js';
import { listsKey } from '../blacklist/suite-lists.js';
import { treeKernelVersion } from '../blacklist/tree-version.js';
import type { AppContext } from '../context.js';
import { runCommand } from '../exec/run.js';
import type { Lane } from '../lanes/lane.js';
import { loadSeries, type StoredSeries } from '../series/store.js';
import { checkoutPatch } from './apply/checkout.js';
import { seriesForApply } from './apply/from-store.js';
import { applyRouted } from './apply/route.js';
import { bootAndTest } from './boot/boot-and-test.js';
import { ownFragments, treeFragments } from './build/kconfig.js';
import { buildStage } from './build/stage.js';
import { defaultMatrixStages } from './matrix/default-stages.js';
import type { BaselineIdentity, Stages } from './stages.js';

/** The real stages: lanes + git am, the sandboxed kernel and selftests build, QEMU. */
export const defaultStages: Stages<StoredSeries, Lane> = {
  loadSeries: (ctx, id) => loadSeries(ctx.db, id),
  apply: (ctx, series, opts) =>
    applyRouted(ctx, seriesForApply(series), { ...(opts.tree ? { tree: opts.tree } : {}) }),
  checkout: async (_ctx, lane, applied, k) => {
    await checkoutPatch(lane, applied, k);
  },
  build: (ctx, lane, opts) =>
    buildStage(ctx, lane, {
      logDir: opts.logDir,
      baseSha: opts.baseSha,
      ...(opts.signal ? { signal: opts.signal } : {}),
    }),
  bootAndTest: (ctx, req) => bootAndTest(ctx, req),
  identity: (ctx, lane, applied) => identityOf(ctx, lane, applied.baseSha),
  matrix: defaultMatrixStages,
};

/**
 * What makes the base's results what they are besides its commit: the config
 * fragments (ours and the tree's, read at the base), the compilers, the deny list.
 */
async function identityOf(ctx: AppContext, lane: Lane, baseSha: string): Promise<BaselineIdentity> {
  const cfg = ctx.config.build;
  const hash = createHash('sha256').update(cfg.profile);
  for (const f of [...ownFragments(cfg.profile), ...treeFragments(lane.worktree)])
    hash.update(f).update(readFileSync(f));
  // The series' worktree: a series that changes the tree's DENYLIST gets its own baseline.
  const release = treeKernelVersion(lane.worktree);
  const lists = await loadBlacklist({
    dir: BLACKLIST_DIR,
    selftestsDir: join(lane.worktree, 'tools', 'testing', 'selftests', 'bpf'),
    arch: ctx.config.vm.arch,
    ...(release ? { kernelRelease: release } : {}),
    isAncestor: gitIsAncestor(lane.worktree, baseSha),
  });
  return {
    configHash: hash.digest('hex'),
    toolchain: await toolchain(cfg.cc, cfg.clang),
    denylist: listsKey(lists.entries),
    lists: lists.entries,
  };
}

const versions = new Map<string, Promise<string>>();

/** First line of `<tool> --version`, once per process: a compiler upgrade is a new baseline. */
function toolchain(...tools: string[]): Promise<string> {
  const key = tools.join(' ');
  const known = versions.get(key);
  if (known) return known;
  const p = Promise.all(
    tools.map(async (t) => {
      const r = await runCommand([t, '--version']).catch(() => undefined);
      return `${t}: ${r?.stdoutTail.split('\n')[0]?.trim() ?? 'missing'}`;
    }),
  ).then((lines) => lines.join('; '));
  versions.set(key, p);
  return p;
}
