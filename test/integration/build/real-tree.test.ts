import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BASE_TAG,
  cacheRoot,
  prepareKernelTree,
  scratchWorktree,
} from '../../../src/pipeline/build/base-tree.js';
import { buildKernel } from '../../../src/pipeline/build/kernel.js';
import { buildSelftests } from '../../../src/pipeline/build/selftests.js';
import {
  type BuildTarget,
  kernelImagePath,
  selftestsDir,
} from '../../../src/pipeline/build/target.js';
import {
  buildContext,
  compiledBeyondRelink,
  gitIn,
  openTempDir,
  realTreeTarget,
} from '../../helpers/build-tree.js';

/**
 * Debian's linux-source-6.1, minimal profile, through the real pipeline and
 * sandbox. The base repo and ccache live in the cache dir (BPFCI_CACHE), so
 * only the first run on a machine pays the cold build (~7 min on 2 cores);
 * the test's own worktree (<cache>/buildtest/src) keeps other users' checkouts
 * untouched. Incrementality is asserted by what the log shows was compiled.
 */
const cache = cacheRoot();
const ctx = buildContext();
const logs = openTempDir('bpfci-real-');
let target: BuildTarget;
let baseSha: string;

beforeAll(async () => {
  const repo = await prepareKernelTree(cache);
  target = realTreeTarget(cache);
  await scratchWorktree(repo, target.srcDir, BASE_TAG);
  baseSha = gitIn(target.srcDir, 'rev-parse', 'HEAD');
  const base = await buildKernel(ctx, target, {
    profile: 'minimal',
    logDir: join(logs, 'base'),
    baseSha,
  });
  expect(base.status, base.firstError?.message).toBe('pass');
}, 3_000_000);

describe('the minimal profile on the real 6.1 tree', () => {
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
        profile: 'minimal',
        logDir: join(logs, 'series'),
        baseSha,
      });
      expect(series.status, series.firstError?.message).toBe('pass');
      expect(compiledBeyondRelink(series.logPath as string)).toEqual(['kernel/bpf/core.o']);
      expect(series.newWarnings).toEqual([]);

      gitIn(target.srcDir, 'checkout', '-q', '--detach', BASE_TAG);
      const back = await buildKernel(ctx, target, {
        profile: 'minimal',
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
      profile: 'minimal',
      logDir: join(logs, 'noop'),
      baseSha,
    });
    expect(r.status).toBe('pass');
    expect(r.compiled).toBe(0);
    expect(existsSync(join(logs, 'noop', 'kernel-config.log'))).toBe(false);
  });

  it('builds test_verifier against the minimal kernel, leaving the lane checkout clean', async () => {
    const r = await buildSelftests(ctx, target, {
      profile: 'minimal',
      logDir: join(logs, 'selftests'),
    });
    expect(r.status, r.firstError?.message).toBe('pass');
    expect(existsSync(join(selftestsDir(target), 'test_verifier'))).toBe(true);
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
