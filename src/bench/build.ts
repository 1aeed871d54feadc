import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Config } from '../config/schema.js';
import type { AppContext } from '../context.js';
import { openDatabase } from '../db/open.js';
import { gitEnv } from '../exec/git.js';
import { runCommand } from '../exec/run.js';
import { sandboxArgv } from '../exec/sandbox.js';
import { silentLogger } from '../log.js';
import {
  BASE_TAG,
  cacheRoot,
  prepareKernelTree,
  scratchWorktree,
} from '../pipeline/build/base-tree.js';
import { buildEnv } from '../pipeline/build/env.js';
import { buildKernel } from '../pipeline/build/kernel.js';
import { touchedObjects } from '../pipeline/build/log-parse.js';
import { commonParent, makeJobs } from '../pipeline/build/make.js';
import { buildSelftests } from '../pipeline/build/selftests.js';
import type { BuildTarget } from '../pipeline/build/target.js';
import type { BuildResult } from '../verdict/stages.js';
import { type BenchSection, seconds } from './section.js';

/** kernel-lab.md's cold minimal build on this 2-core machine, the reference. */
const REFERENCE_COLD_MS = 389_000;

/**
 * The build section, on the real tree (minimal profile) in its own worktree,
 * build dir and ccache under the cache (<cache>/bench): a cold build (empty
 * ccache, fresh build dir), then the same one-file series built by the bot
 * (config check, sandbox, log parsing, warning delta) and by a bare `make` on
 * the same tree, same uid, same ccache. Each side is timed on the way to the
 * series and back, after a warm-up round, so both get the same ccache hits.
 * BPFCI_BENCH_WARM=1 keeps the bench's ccache, for a quick rerun (the first
 * build is then a clean rebuild, not a cold one).
 */
export async function benchBuild(): Promise<BenchSection> {
  const cache = cacheRoot();
  const repo = await prepareKernelTree(cache);
  const root = join(cache, 'bench');
  const target: BuildTarget = {
    srcDir: join(root, 'src'),
    buildDir: join(root, 'build', 'minimal'),
    ccacheDir: join(root, 'ccache'),
  };
  await scratchWorktree(repo, target.srcDir, BASE_TAG);
  const ctx = benchContext();
  const logs = mkdtempSync(join(tmpdir(), 'bpfci-bench-'));
  rmSync(target.buildDir, { recursive: true, force: true });
  const cold = !process.env.BPFCI_BENCH_WARM;
  if (cold) rmSync(target.ccacheDir, { recursive: true, force: true });
  const git = (...args: string[]) =>
    runCommand(['git', '-C', target.srcDir, ...args], { env: gitEnv() });
  const baseSha = (await git('rev-parse', 'HEAD')).stdoutTail.trim();
  let n = 0;
  const bot = async () => {
    const r = await buildKernel(ctx, target, {
      profile: 'minimal',
      logDir: join(logs, `bot-${++n}`),
      baseSha,
    });
    if (r.status !== 'pass')
      throw new Error(`bench build failed: ${r.firstError?.message ?? r.reason}`);
    return r;
  };
  const clean = await bot();

  // The one-file series, as a commit on a throwaway branch.
  const branch = `bench-${process.pid}`;
  await git('checkout', '-q', '-b', branch);
  appendFileSync(
    join(target.srcDir, 'kernel/bpf/core.c'),
    '\nint bpfci_bench_probe(void);\nint bpfci_bench_probe(void) { return 2; }\n',
  );
  await git('commit', '-q', '-am', 'bench: one-file change');
  const toSeries = () => git('checkout', '-q', branch);
  const toBase = () => git('checkout', '-q', '--detach', BASE_TAG);
  try {
    await bot(); // warm-up: the series' objects enter ccache
    await toBase();
    await bot();
    await toSeries();
    const botSeries = await bot();
    await toBase();
    const botBack = await bot();
    await toSeries();
    const rawSeries = await rawMake(ctx, target, join(logs, 'raw-series.log'));
    await toBase();
    const rawBack = await rawMake(ctx, target, join(logs, 'raw-back.log'));
    const noop = await bot();
    const rawNoop = await rawMake(ctx, target, join(logs, 'raw-noop.log'));
    const selftests = await buildSelftests(ctx, target, {
      profile: 'minimal',
      logDir: join(logs, 'st'),
    });
    const overhead = await sandboxOverhead(ctx, target);
    const botMs = botSeries.durationMs + botBack.durationMs;
    const rawMs = rawSeries + rawBack;
    return {
      title: `build (linux-source-6.1, minimal profile, make -j${makeJobs(ctx)})`,
      rows: [
        cold
          ? [
              'cold build (empty ccache, fresh build dir)',
              `${seconds(clean.durationMs)}, ${clean.compiled} objects = ${(clean.durationMs / REFERENCE_COLD_MS).toFixed(2)}x kernel-lab's ${seconds(REFERENCE_COLD_MS)}`,
            ]
          : [
              'clean rebuild (warm ccache, fresh build dir)',
              `${seconds(clean.durationMs)}, ${clean.compiled} objects`,
            ],
        ['one-file series, bot', `${seconds(botSeries.durationMs)}, ${recompiled(botSeries)}`],
        ['back to base, bot', `${seconds(botBack.durationMs)}, ${recompiled(botBack)}`],
        ['one-file series, raw make', seconds(rawSeries)],
        ['back to base, raw make', seconds(rawBack)],
        ['bot / raw make (series + back)', `${(botMs / rawMs).toFixed(2)}x (goal <= 1.10x)`],
        ['no-op rebuild, bot / raw', `${seconds(noop.durationMs)} / ${seconds(rawNoop)}`],
        [
          'selftests test_verifier build',
          `${seconds(selftests.durationMs)}, ${selftests.compiled} objects`,
        ],
        ['sandbox start+exit (bwrap, mean of 5)', `${overhead.toFixed(0)} ms`],
      ],
      notes: [
        `ccache dir ${target.ccacheDir}${cold ? ' (emptied first; BPFCI_BENCH_WARM=1 keeps it)' : ' (kept: BPFCI_BENCH_WARM)'}`,
        'bot time = the whole buildKernel call (kconfig check, sandbox, make, log parsing, warning delta)',
      ],
    };
  } finally {
    await git('checkout', '-q', '--detach', '--force', BASE_TAG);
    await git('branch', '-D', branch);
  }
}

/** "8 objects compiled: kernel/bpf/core.o + 7 of the vmlinux relink". */
function recompiled(r: BuildResult): string {
  const touched = r.logPath ? touchedObjects(readFileSync(r.logPath, 'utf8')) : [];
  const relink = `${r.compiled - touched.length} of the vmlinux relink`;
  return `${r.compiled} objects compiled: ${touched.length ? `${touched.join(', ')} + ${relink}` : `all ${relink}`}`;
}

/** The same make the bot runs, without the sandbox or anything else, as the same uid. */
async function rawMake(ctx: AppContext, t: BuildTarget, logFile: string): Promise<number> {
  const drop =
    process.getuid?.() === 0
      ? [
          'setpriv',
          `--reuid=${ctx.config.build.sandbox.uid}`,
          `--regid=${ctx.config.build.sandbox.uid}`,
          '--clear-groups',
          '--',
        ]
      : [];
  const argv = [
    ...drop,
    'make',
    '-C',
    t.srcDir,
    `O=${t.buildDir}`,
    `-j${makeJobs(ctx)}`,
    'CC=ccache gcc',
    'all',
  ];
  const env = buildEnv({ ccacheDir: t.ccacheDir, ccacheBase: commonParent(t.srcDir, t.buildDir) });
  const r = await runCommand(argv, { env, logFile, timeoutMs: 3_600_000 });
  if (r.exitCode !== 0) throw new Error(`raw make failed, see ${logFile}`);
  return r.durationMs;
}

async function sandboxOverhead(ctx: AppContext, t: BuildTarget): Promise<number> {
  const argv = sandboxArgv(['true'], {
    binds: [
      { path: t.srcDir, mode: 'ro' },
      { path: t.buildDir, mode: 'rw' },
    ],
    cwd: t.srcDir,
    uid: ctx.config.build.sandbox.uid,
    maxProcesses: ctx.config.build.sandbox.maxProcesses,
  });
  let total = 0;
  for (let i = 0; i < 5; i++) total += (await runCommand(argv, { env: buildEnv({}) })).durationMs;
  return total / 5;
}

function benchContext(): AppContext {
  const stateDir = mkdtempSync(join(tmpdir(), 'bpfci-bench-state-'));
  const config = Config.parse({ version: 1, state: { dir: stateDir } });
  return {
    config,
    configFile: '(bench)',
    db: openDatabase(join(stateDir, 'bpfci.sqlite')),
    log: silentLogger,
    stateDir,
  };
}
