import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Suite } from '../config/sections/pipeline.js';
import type { AppContext } from '../context.js';
import { gitEnv } from '../exec/git.js';
import { runCommand } from '../exec/run.js';
import { bootAndTest } from '../pipeline/boot/boot-and-test.js';
import {
  BASE_TAG,
  cacheRoot,
  prepareKernelTree,
  scratchWorktree,
} from '../pipeline/build/base-tree.js';
import { buildEnv } from '../pipeline/build/env.js';
import { buildKernel } from '../pipeline/build/kernel.js';
import { commonParent, makeJobs } from '../pipeline/build/make.js';
import {
  buildSelftests,
  linkUrandomLib,
  SELFTESTS,
  selftestTargets,
} from '../pipeline/build/selftests.js';
import { type BuildTarget, selftestsDir, vmlinuxPath } from '../pipeline/build/target.js';
import type { BootResult, BuildResult } from '../verdict/stages.js';
import { type BenchSection, benchAppContext, seconds } from './section.js';

/** A configured test_progs set that TCG runs in well under a minute. */
const PROGS = [
  'align',
  'atomics',
  'global_data',
  'ksyms_module',
  'map_init',
  'timer',
  'bpf_obj_id',
  'trampoline_count',
  'skeleton',
  'global_func_args',
  'map_lock',
  'spinlock',
];
const SUITES = [
  Suite.parse({ name: 'test_progs', kind: 'test_progs', allow: PROGS }),
  Suite.parse({ name: 'test_verifier', kind: 'test_verifier' }),
];
/** What the battery builds (test_progs with its BPF objects and bpf_testmod.ko, ...). */
const BATTERY = ['test_progs', 'test_verifier', 'test_maps', 'veristat'].map((kind) =>
  Suite.parse({ name: kind, kind }),
);

/**
 * The selftests section, on the real tree with the `selftests` profile (own worktree and
 * build dir under <cache>/bench-selftests, the shared ccache): the selftests rebuild after
 * a one-file kernel/bpf series, by the bot (vmlinux.h kept when its types did not change,
 * bpf_testmod.ko rebuilt) and by the tree's own make on the same change (its vmlinux.h
 * rule follows vmlinux's mtime, so every BPF object is rebuilt), beside a build from
 * clean; then targeted reruns against full runs in QEMU under TCG.
 */
export async function benchSelftests(): Promise<BenchSection> {
  const cache = cacheRoot();
  const repo = await prepareKernelTree(cache);
  const root = join(cache, 'bench-selftests');
  const target: BuildTarget = {
    srcDir: join(root, 'src'),
    buildDir: join(root, 'build', 'selftests'),
    ccacheDir: join(cache, 'ccache'),
  };
  await scratchWorktree(repo, target.srcDir, BASE_TAG);
  const ctx = benchAppContext({
    build: { profile: 'selftests' },
    vm: { cpus: 2, memoryMb: 2048, suiteTimeoutSeconds: 900 },
  });
  const logs = mkdtempSync(join(tmpdir(), 'bpfci-bench-selftests-'));
  const git = (...args: string[]) =>
    runCommand(['git', '-C', target.srcDir, ...args], { env: gitEnv() });
  const targets = selftestTargets('selftests', BATTERY);
  let n = 0;
  const opts = (dir: string) => ({ profile: 'selftests' as const, logDir: join(logs, dir) });
  const kernel = async () => pass(await buildKernel(ctx, target, opts(`kernel-${++n}`)));
  const selftests = async () =>
    pass(await buildSelftests(ctx, target, { ...opts(`selftests-${++n}`), targets }));
  const rawOut = join(root, 'raw-selftests');

  const branch = `bench-${process.pid}`;
  try {
    await kernel();
    rmSync(selftestsDir(target), { recursive: true, force: true });
    const clean = await selftests();
    await treeMake(ctx, target, rawOut, targets, join(logs, 'raw-warm.log'));

    await git('checkout', '-q', '-b', branch);
    appendFileSync(
      join(target.srcDir, 'kernel/bpf/core.c'),
      '\nint bpfci_bench_probe(void);\nint bpfci_bench_probe(void) { return 3; }\n',
    );
    await git('commit', '-q', '-am', 'bench: one-file change');
    await kernel();
    const bot = await selftests();
    const raw = await treeMake(ctx, target, rawOut, targets, join(logs, 'raw-series.log'));

    const boot = (name: string, extra: Partial<Parameters<typeof bootAndTest>[1]> = {}) =>
      booted(
        bootAndTest(ctx, {
          kernelImage: join(target.buildDir, 'arch/x86/boot/bzImage'),
          selftestsDir: selftestsDir(target),
          suites: SUITES,
          lists: [],
          artifactsDir: join(logs, `boot-${name}`),
          ...extra,
        }),
      );
    const full = await boot('full');
    const verifier = full.suites.find((s) => s.suite === 'test_verifier');
    const one = verifier?.tests.find((t) => t.status === 'pass' && t.number !== undefined);
    if (!one?.number) throw new Error('test_verifier printed no numbered passing test');
    const verifierOne = await boot('verifier-one', {
      suites: SUITES.filter((s) => s.kind === 'test_verifier'),
      only: { test_verifier: [one.name] },
      verifierRanges: { test_verifier: [one.number, one.number] },
    });
    const progsOne = await boot('progs-one', {
      suites: SUITES.filter((s) => s.kind === 'test_progs'),
      only: { test_progs: ['global_data'] },
    });
    const suiteMs = (b: BootResult, suite: string) =>
      b.suites.find((s) => s.suite === suite)?.durationMs ?? Number.NaN;
    const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}x`;
    const progsFull = suiteMs(full, 'test_progs');
    const verifierFull = suiteMs(full, 'test_verifier');
    return {
      title: `selftests (linux-source-6.1, selftests profile, make -j${makeJobs(ctx)}; boots under ${full.accel})`,
      rows: [
        ['selftests from clean, bot', `${seconds(clean.durationMs)}, ${clean.compiled} objects`],
        [
          'after a one-file kernel/bpf series, bot',
          `${seconds(bot.durationMs)}, ${bot.compiled} objects = ${ratio(clean.durationMs, bot.durationMs)} faster than clean`,
        ],
        [
          "same change, the tree's own make",
          `${seconds(raw)} = ${ratio(raw, bot.durationMs)} the bot's time (goal: bot >= 10x faster than clean)`,
        ],
        [
          'test_verifier: one case by number vs whole',
          `${seconds(suiteMs(verifierOne, 'test_verifier'))} vs ${seconds(verifierFull)} = ${ratio(verifierFull, suiteMs(verifierOne, 'test_verifier'))} faster`,
        ],
        [
          `test_progs: one test vs the configured ${PROGS.length}`,
          `${seconds(suiteMs(progsOne, 'test_progs'))} vs ${seconds(progsFull)} = ${ratio(progsFull, suiteMs(progsOne, 'test_progs'))} faster`,
        ],
        [
          'whole boots: targeted test_verifier, test_progs vs both suites',
          `${seconds(verifierOne.durationMs)}, ${seconds(progsOne.durationMs)} vs ${seconds(full.durationMs)}`,
        ],
      ],
      notes: [
        `targets: ${targets.join(' ')}; ccache ${target.ccacheDir} (shared with the lanes, so warm after the first run)`,
        "the tree's own make: make -C tools/testing/selftests/bpf OUTPUT=<own dir> VMLINUX_BTF=vmlinux, warmed once at the base",
        `test_verifier case: #${one.number} ${one.name}; a targeted rerun boots only the suites of the asked tests`,
      ],
    };
  } finally {
    await git('checkout', '-q', '--detach', '--force', BASE_TAG);
    await git('branch', '-D', branch);
  }
}

export function pass(r: BuildResult): BuildResult {
  if (r.status !== 'pass')
    throw new Error(`bench ${r.target} build ${r.status}: ${r.firstError?.message ?? r.reason}`);
  return r;
}

export async function booted(result: Promise<BootResult>): Promise<BootResult> {
  const r = await result;
  if (r.status !== 'ok') throw new Error(`bench boot ${r.status}: ${r.reason ?? ''}`);
  return r;
}

/**
 * The selftests make as a developer runs it in the tree (no sandbox, its own OUTPUT),
 * with the bot's one 6.1 fix (the urandom_read link) so that it builds at all.
 */
async function treeMake(
  ctx: AppContext,
  t: BuildTarget,
  out: string,
  targets: string[],
  logFile: string,
): Promise<number> {
  const dir = join(t.srcDir, SELFTESTS);
  const uid = ctx.config.build.sandbox.uid;
  // As the build uid, like the bot's make: root-owned entries would lock it out of ccache.
  mkdirSync(out, { recursive: true });
  for (const path of [dir, out]) await runCommand(['chown', '-R', `${uid}:${uid}`, path]);
  linkUrandomLib(dir, out);
  const argv = [
    'setpriv',
    `--reuid=${uid}`,
    `--regid=${uid}`,
    '--clear-groups',
    '--',
    'make',
    '-C',
    dir,
    `OUTPUT=${out}`,
    `KDIR=${t.buildDir}`,
    `CLANG=${ctx.config.build.clang}`,
    `CC=ccache ${ctx.config.build.cc}`,
    `-j${makeJobs(ctx)}`,
    `VMLINUX_BTF=${vmlinuxPath(t)}`,
    ...targets.map((x) => join(out, x)),
  ];
  const env = buildEnv({ ccacheDir: t.ccacheDir, ccacheBase: commonParent(t.srcDir, t.buildDir) });
  const r = await runCommand(argv, { env, logFile, timeoutMs: 3_600_000 });
  if (r.exitCode !== 0)
    throw new Error(`the tree's selftests make failed, see ${logFile}: ${readTail(logFile)}`);
  return r.durationMs;
}

function readTail(file: string): string {
  return readFileSync(file, 'utf8').split('\n').slice(-5).join(' | ');
}
