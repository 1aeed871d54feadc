import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Suite } from '../config/sections/pipeline.js';
import { gitEnv } from '../exec/git.js';
import { runCommand } from '../exec/run.js';
import { bootAndTest } from '../pipeline/boot/boot-and-test.js';
import {
  BASE_TAG,
  cacheRoot,
  prepareKernelTree,
  scratchWorktree,
} from '../pipeline/build/base-tree.js';
import { buildKernel } from '../pipeline/build/kernel.js';
import { buildSelftests, SELFTESTS } from '../pipeline/build/selftests.js';
import { type BuildTarget, kernelImagePath, selftestsDir } from '../pipeline/build/target.js';
import { preparePrebuilt } from '../pipeline/matrix/prebuilt.js';
import { debianKernel } from './debian-kernel.js';
import { type BenchSection, benchAppContext, seconds } from './section.js';
import { booted, pass } from './selftests.js';

const SUITES = [
  Suite.parse({
    name: 'test_progs',
    kind: 'test_progs',
    allow: ['align', 'atomics', 'global_data', 'map_init', 'timer'],
  }),
];

/**
 * The older-kernel matrix's extra cost per series and older kernel: the series'
 * selftests built for Debian's stock kernel (its BTF, bpf_testmod against its headers)
 * and run there, beside the latest-kernel run of the same series (its kernel rebuild,
 * selftests rebuild, boot and run). The series is a one-file selftests change on the
 * real 6.1 tree, on warm build dirs (<cache>/bench-matrix, the shared ccache).
 */
export async function benchMatrix(): Promise<BenchSection> {
  const cache = cacheRoot();
  const repo = await prepareKernelTree(cache);
  const root = join(cache, 'bench-matrix');
  const own: BuildTarget = {
    srcDir: join(root, 'src'),
    buildDir: join(root, 'build', 'selftests'),
    ccacheDir: join(cache, 'ccache'),
  };
  const older: BuildTarget = { ...own, buildDir: join(root, 'build', 'matrix', 'debian') };
  await scratchWorktree(repo, own.srcDir, BASE_TAG);
  const ctx = benchAppContext({
    build: { profile: 'selftests' },
    vm: { cpus: 2, memoryMb: 2048, suiteTimeoutSeconds: 600 },
    suites: SUITES,
  });
  const image = debianKernel();
  const headers = `/usr/src/linux-headers-${image.replace(/^\/boot\/vmlinuz-/, '')}`;
  const kernel = await preparePrebuilt(ctx, {
    name: 'debian',
    image,
    moduleBuildDir: headers,
  });
  const logs = mkdtempSync(join(tmpdir(), 'bpfci-bench-matrix-'));
  let n = 0;
  const opts = () => ({ profile: 'selftests' as const, logDir: join(logs, String(++n)) });
  const ownBuild = async () => {
    const k = pass(await buildKernel(ctx, own, opts()));
    const s = pass(await buildSelftests(ctx, own, opts()));
    return k.durationMs + s.durationMs;
  };
  const olderBuild = async () =>
    pass(
      await buildSelftests(ctx, older, {
        ...opts(),
        kernel: { buildDir: kernel.moduleBuildDir, vmlinux: kernel.vmlinux },
      }),
    ).durationMs;
  const boot = async (name: string, kernelImage: string, dir: string, release?: string) =>
    (
      await booted(
        bootAndTest(ctx, {
          kernelImage,
          ...(release ? { kernelRelease: release } : {}),
          selftestsDir: dir,
          suites: SUITES,
          lists: [],
          artifactsDir: join(logs, `boot-${name}`),
        }),
      )
    ).durationMs;
  const git = (...args: string[]) =>
    runCommand(['git', '-C', own.srcDir, ...args], { env: gitEnv() });
  const branch = `bench-matrix-${process.pid}`;
  try {
    await ownBuild();
    const olderCold = await olderBuild();
    await git('checkout', '-q', '-b', branch);
    appendFileSync(
      join(own.srcDir, SELFTESTS, 'prog_tests', 'align.c'),
      '\n/* bpfci bench: a one-file selftests change */\n',
    );
    await git('commit', '-q', '-am', 'selftests/bpf: bench change');
    const ownSeriesBuild = await ownBuild();
    const ownBoot = await boot('own', kernelImagePath(own), selftestsDir(own));
    const olderSeriesBuild = await olderBuild();
    const olderBoot = await boot('older', kernel.image, selftestsDir(older), kernel.release);
    const ownTotal = ownSeriesBuild + ownBoot;
    const olderTotal = olderSeriesBuild + olderBoot;
    return {
      title: `matrix (one older kernel: Debian ${kernel.release}; a one-file selftests series on linux-source-6.1)`,
      rows: [
        [
          'latest kernel: build (kernel + selftests), boot and run',
          `${seconds(ownSeriesBuild)} + ${seconds(ownBoot)} = ${seconds(ownTotal)}`,
        ],
        [
          'older kernel: selftests build, boot and run',
          `${seconds(olderSeriesBuild)} + ${seconds(olderBoot)} = ${seconds(olderTotal)}`,
        ],
        [
          'extra cost of the matrix, per older kernel',
          `${(olderTotal / ownTotal).toFixed(2)}x the latest-kernel run`,
        ],
        ['older kernel: its first selftests build (once per BTF)', seconds(olderCold)],
      ],
      notes: [
        `suites: test_progs -a ${SUITES[0]?.allow.join(',')}; boots under TCG`,
        'the older kernel keeps its vmlinux.h (its BTF never changes), so a series rebuilds only what it touched',
      ],
    };
  } finally {
    await git('checkout', '-q', '--detach', '--force', BASE_TAG);
    await git('branch', '-D', branch);
  }
}
