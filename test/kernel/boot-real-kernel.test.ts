import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Suite } from '../../src/config/sections/pipeline.js';
import { bootAndTest } from '../../src/pipeline/boot/boot-and-test.js';
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
import { buildContext, gitIn, openTempDir, realTreeTarget } from '../helpers/build-tree.js';
import { KERNEL_TIER } from '../helpers/tier-branch.js';
import { vmContext } from '../helpers/vm.js';

/**
 * A kernel built by bpfci's build stage from Debian's linux-source-6.1 (the kernel tier's
 * profile; both build 9p and virtio in, so no initramfs) runs the real test_verifier
 * built against it. The build is shared with real-tree.test.ts under BPFCI_CACHE: only
 * the first of them on a machine pays the cold build; for the other it is a no-op make.
 */
const cache = cacheRoot();
let target: BuildTarget;

beforeAll(async () => {
  const repo = await prepareKernelTree(cache);
  // The same scratch lane as real-tree: when it ran first, this build is a no-op.
  target = realTreeTarget(cache, KERNEL_TIER);
  await scratchWorktree(repo, target.srcDir, BASE_TAG);
  const ctx = buildContext();
  const logs = openTempDir('bpfci-boot-real-');
  const kernel = await buildKernel(ctx, target, {
    profile: KERNEL_TIER,
    logDir: join(logs, 'k'),
    baseSha: gitIn(target.srcDir, 'rev-parse', 'HEAD'),
  });
  expect(kernel.status, kernel.firstError?.message).toBe('pass');
  const selftests = await buildSelftests(ctx, target, {
    profile: KERNEL_TIER,
    logDir: join(logs, 's'),
  });
  expect(selftests.status, selftests.firstError?.message).toBe('pass');
}, 3_000_000);

describe('a kernel built by bpfci', () => {
  it('boots without an initramfs and runs the real test_verifier, parsed by name', async () => {
    const result = await bootAndTest(vmContext({ totalTimeoutSeconds: 900 }), {
      kernelImage: kernelImagePath(target),
      selftestsDir: selftestsDir(target),
      suites: [Suite.parse({ name: 'test_verifier', kind: 'test_verifier', timeoutSeconds: 600 })],
      lists: [],
      artifactsDir: mkdtempSync(join(tmpdir(), 'bpfci-boot-')),
    });
    expect(result.reason).toBeUndefined();
    expect(result).toMatchObject({ status: 'ok', completed: true, crashes: [] });
    expect(result.kernelRelease).toMatch(/^6\.1\.\d+/);
    const verifier = result.suites[0];
    expect(verifier?.exitCode).not.toBeNull();
    const byStatus = (s: string) => verifier?.tests.filter((t) => t.status === s).length ?? 0;
    // Every test has a privileged run; a config may lack some program types, so a
    // share of them skip, but most pass.
    expect(byStatus('pass')).toBeGreaterThan(500);
    expect(verifier?.tests.some((t) => t.name.endsWith(' [p]'))).toBe(true);
    expect(new Set(verifier?.tests.map((t) => t.name)).size).toBe(verifier?.tests.length);
    // Whatever failed carries its log, and the suite outcome agrees with the tests.
    for (const t of verifier?.tests.filter((x) => x.status === 'fail') ?? [])
      expect(t.excerpt).toBeTruthy();
    expect(verifier?.outcome).toBe(byStatus('fail') ? 'failed' : 'ok');
  });
});
