import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BASE_TAG,
  cacheRoot,
  prepareKernelTree,
  scratchWorktree,
} from '../../src/pipeline/build/base-tree.js';
import { buildKernel } from '../../src/pipeline/build/kernel.js';
import { buildSelftests } from '../../src/pipeline/build/selftests.js';
import {
  type BuildTarget,
  kernelImagePath,
  selftestsDir,
} from '../../src/pipeline/build/target.js';
import {
  buildContext,
  compiledBeyondRelink,
  gitIn,
  openTempDir,
  realTreeTarget,
} from '../helpers/build-tree.js';
import { KERNEL_TIER } from '../helpers/tier-branch.js';

/**
 * Debian's linux-source-6.1, in the kernel tier's profile (selftests unless
 * BPFCI_KERNEL_TIER=minimal), through the real pipeline and sandbox. The base repo
 * and ccache live in the cache dir (BPFCI_CACHE), so only the first run on a machine
 * pays the cold build (the one cold kernel build of `npm test`: 13 min on a quiet
 * 2-core host for the selftests profile); the test's own worktree
 * (<cache>/buildtest/src) keeps other users' checkouts untouched, and the kernel
 * e2e's lane gets its objects from ccache. Incrementality is asserted by what the
 * log shows was compiled.
 */
const cache = cacheRoot();
const ctx = buildContext();
const logs = openTempDir('bpfci-real-');
let target: BuildTarget;
let baseSha: string;

beforeAll(async () => {
  const repo = await prepareKernelTree(cache);
  target = realTreeTarget(cache, KERNEL_TIER);
  await scratchWorktree(repo, target.srcDir, BASE_TAG);
  baseSha = gitIn(target.srcDir, 'rev-parse', 'HEAD');
  const base = await buildKernel(ctx, target, {
    profile: KERNEL_TIER,
    logDir: join(logs, 'base'),
    baseSha,
  });
  expect(base.status, base.firstError?.message).toBe('pass');
}, 3_000_000);

describe(`the ${KERNEL_TIER} profile on the real 6.1 tree`, () => {
  it('rebuilds only the touched object and the link after a one-file change, and back', async () => {
    const branch = `bpfci-incr-${process.pid}`;
    gitIn(target.srcDir, 'checkout', '-q', '-b', branch);
    try {
      const file = join(target.srcDir, 'kernel', 'bpf', 'core.c');
      const probe =
        '\nint bpfci_incremental_probe(void);\nint bpfci_incremental_probe(void) { return 1; }\n';
      const { appendFileSync } = await import('node:fs');
      appendFileSync(file, probe);
      gitIn(target.srcDir, 'commit', '-q', '-am', 'bpf: one-file change');

      const series = await buildKernel(ctx, target, {
        profile: KERNEL_TIER,
        logDir: join(logs, 'series'),
        baseSha,
      });
      expect(series.status, series.firstError?.message).toBe('pass');
      expect(compiledBeyondRelink(series.logPath as string)).toEqual(['kernel/bpf/core.o']);
      expect(series.newWarnings).toEqual([]);

      gitIn(target.srcDir, 'checkout', '-q', '--detach', BASE_TAG);
      const back = await buildKernel(ctx, target, {
        profile: KERNEL_TIER,
        logDir: join(logs, 'back'),
        baseSha,
      });
      expect(back.status).toBe('pass');
      expect(compiledBeyondRelink(back.logPath as string)).toEqual(['kernel/bpf/core.o']);
      expect(existsSync(kernelImagePath(target))).toBe(true);
    } finally {
      gitIn(target.srcDir, 'checkout', '-q', '--detach', '--force', BASE_TAG);
      gitIn(target.srcDir, 'branch', '-D', branch);
    }
  });

  it('a no-op rebuild compiles nothing and skips kconfig', async () => {
    const r = await buildKernel(ctx, target, {
      profile: KERNEL_TIER,
      logDir: join(logs, 'noop'),
      baseSha,
    });
    expect(r.status).toBe('pass');
    expect(r.compiled).toBe(0);
    expect(existsSync(join(logs, 'noop', 'kernel-config.log'))).toBe(false);
  });

  it('builds the selftests against the kernel, leaving the lane checkout clean', async () => {
    const r = await buildSelftests(ctx, target, {
      profile: KERNEL_TIER,
      logDir: join(logs, 'selftests'),
    });
    expect(r.status, r.firstError?.message).toBe('pass');
    // The minimal profile builds test_verifier alone; the selftests one the battery.
    const binaries =
      KERNEL_TIER === 'minimal'
        ? ['test_verifier']
        : ['test_progs', 'test_verifier', 'test_maps', 'veristat', 'bpf_testmod.ko'];
    for (const b of binaries) expect(existsSync(join(selftestsDir(target), b)), b).toBe(true);
    expect(
      gitIn(
        target.srcDir,
        'status',
        '--porcelain',
        '--ignored',
        '--',
        'tools/testing/selftests/bpf',
      ),
    ).toBe('');
  });
});
