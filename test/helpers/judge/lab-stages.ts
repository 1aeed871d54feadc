import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadBlacklist } from '../../../src/blacklist/load.js';
import { listsForSuite, listsKey } from '../../../src/blacklist/suite-lists.js';
import type { MatrixKernel } from '../../../src/config/sections/matrix.js';
import type { AppContext } from '../../../src/context.js';
import { BotError } from '../../../src/errors.js';
import { gitEnv } from '../../../src/exec/git.js';
import { runCommand } from '../../../src/exec/run.js';
import { acquireLane, type Lane, resetLane } from '../../../src/lanes/lane.js';
import { defaultMatrixStages } from '../../../src/pipeline/matrix/default-stages.js';
import type { OlderKernel } from '../../../src/pipeline/matrix/kernel.js';
import type { BootRequest, MatrixStages, Stages } from '../../../src/pipeline/stages.js';
import { applyDenyLists } from '../../../src/pipeline/suites/deny-results.js';
import { suiteResult } from '../../../src/pipeline/suites/result.js';
import { loadSeries, type StoredSeries } from '../../../src/series/store.js';
import { treeTip } from '../../../src/trees/fetch.js';
import type {
  ApplyResult,
  BootResult,
  BuildResult,
  PatchApply,
} from '../../../src/verdict/stages.js';

/** The scenario's script for the stand-in suite, counted across the lab's boots. */
export interface LabScript {
  /** A test fails on these attempts (its n-th run anywhere), whatever the tree says. */
  tests?: Record<string, { failOn: number[] }>;
  /** The suite runner exits with this code on these suite runs (runner setup failure). */
  exitOn?: Record<number, number>;
  /** The suite hangs on these suite runs. */
  sleepOn?: number[];
  sleepSeconds?: number;
}

/** The host side of the lab's boots: the script, counters, and host faults to inject. */
export interface LabHost {
  script: LabScript;
  /** Boot numbers (1-based, counted over the lab) that die of a host fault. */
  faultOn: number[];
  fault: string;
  boots: number;
  builds: number;
  suiteRuns: number;
  attempts: Map<string, number>;
  /** Boots through this instead of running the suites on the host (the real VM). */
  vm?: (ctx: AppContext, req: BootRequest, kernel: LabKernel) => Promise<BootResult>;
  /** Selftests builds for older kernels, and boots of them. */
  olderBuilds: number;
  olderBoots: number;
  /** bpfci's blacklists/ for the lab (older kernels' lists in matrix/<name>/). */
  blacklists?: string;
}

/**
 * A lab older kernel (the "image" file): what it fails whatever the series does, and
 * whether it boots.
 */
export interface LabOlderKernel {
  fails?: string[];
  boots?: boolean;
  /** It cannot be made ready (no BTF in the image, say): preparing it throws this. */
  unusable?: string;
}

/**
 * Where a lab series says how its tests do on older kernels: tests.json's outcomes,
 * overridden by this file of the tree (userspace, so a change to it runs the matrix).
 * A `BROKEN` file beside it breaks the selftests build for older kernels.
 */
export const LAB_OLDER = 'tools/testing/selftests/bpf/older.json';

/** What the lab "kernel" built from the tree's tests.json says. */
export interface LabKernel {
  boots?: boolean;
  /** The guest stops answering once its suites start. */
  hangs?: boolean;
  tests: Record<string, 'pass' | 'fail'>;
}

/**
 * The lab's stages: the REAL lanes (mirror + worktree + lock) and real git am /
 * make / processes, on a small generated tree. The boot runs the stand-in suite
 * on the host, or through the real QEMU boot stage when host.vm is set.
 */
export function labStages(host: LabHost): Stages<StoredSeries, Lane> {
  return {
    loadSeries: (ctx, id) => loadSeries(ctx.db, id),
    apply: async (ctx, series, opts) => {
      const lane = await acquireLane(ctx, opts.tree ?? 'lab');
      try {
        return { lane, result: await amSeries(ctx, lane, series) };
      } catch (err) {
        await lane.release();
        throw err;
      }
    },
    checkout: async (ctx, lane, applied, k) => resetLane(lane, shaAfter(applied, k), ctx),
    build: async (_ctx, lane, opts) => {
      host.builds += 1;
      const r = await runCommand(['make', '-s', '-C', lane.worktree, `O=${lane.buildDir}`], {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
        logFile: join(opts.logDir, 'kernel.log'),
        signal: opts.signal,
      });
      const result: BuildResult = {
        status: r.exitCode === 0 ? 'pass' : 'fail',
        target: 'kernel',
        durationMs: r.durationMs,
        warnings: 0,
        newWarnings: [],
        compiled: 1,
        logPath: r.logFile,
        ...(r.exitCode === 0
          ? {}
          : { firstError: { message: r.stdoutTail.trim(), context: r.stdoutTail } }),
      };
      return {
        results: [result],
        kernelImage: join(lane.buildDir, 'kernel.json'),
        selftestsDir: lane.worktree,
      };
    },
    bootAndTest: (ctx, req) =>
      existsSync(join(req.selftestsDir, 'lab-older.json'))
        ? labOlderBoot(req, host)
        : labBoot(ctx, req, host),
    matrix: labMatrix(host),
    identity: async (_ctx, lane) => ({
      configHash: createHash('sha256')
        .update(readFileSync(join(lane.worktree, 'Makefile')))
        .digest('hex'),
      toolchain: `node ${process.version}`,
      denylist: [],
      lists: [],
    }),
  };
}

/** A lab older kernel made ready: its "image" stands for every file of it. */
function labKernel(k: MatrixKernel): OlderKernel {
  return {
    name: k.name,
    image: k.image as string,
    release: '5.15.0-lab',
    vmlinux: k.image as string,
    moduleBuildDir: k.moduleBuildDir as string,
    identity: createHash('sha256')
      .update(readFileSync(k.image as string))
      .digest('hex'),
  };
}

/** The matrix on the lab: the real diff and lists; "selftests" are the tree's outcomes. */
function labMatrix(host: LabHost): MatrixStages<Lane> {
  return {
    touched: defaultMatrixStages.touched,
    prepare: async (_ctx, k) => {
      const lab = JSON.parse(readFileSync(k.image as string, 'utf8')) as LabOlderKernel;
      if (lab.unusable) throw new BotError('KERNEL_UNUSABLE', lab.unusable);
      return labKernel(k);
    },
    lists: async (ctx, _lane, _applied, kernel) => {
      const lists = await loadBlacklist({
        dir: host.blacklists ?? join(ctx.stateDir, 'no-blacklists'),
        arch: 'x86_64',
        kernelRelease: kernel.release,
        olderKernel: kernel.name,
      });
      return { denylist: listsKey(lists.entries), lists: lists.entries };
    },
    build: async (_ctx, lane, kernel, opts) => {
      host.olderBuilds += 1;
      const dir = join(lane.buildDir, 'matrix', kernel.name);
      mkdirSync(dir, { recursive: true });
      const older = join(lane.worktree, LAB_OLDER);
      const broken = existsSync(join(lane.worktree, LAB_OLDER, '..', 'BROKEN'));
      const tree = JSON.parse(readFileSync(join(lane.worktree, 'tests.json'), 'utf8')) as LabKernel;
      const overrides = existsSync(older) ? JSON.parse(readFileSync(older, 'utf8')).tests : {};
      writeFileSync(join(dir, 'lab-older.json'), JSON.stringify({ ...tree.tests, ...overrides }));
      const result: BuildResult = {
        status: broken ? 'fail' : 'pass',
        target: 'selftests',
        durationMs: 1,
        warnings: 0,
        newWarnings: [],
        compiled: 1,
        logPath: join(opts.logDir, 'selftests.log'),
        ...(broken ? { firstError: { message: 'BROKEN: error', context: 'BROKEN: error' } } : {}),
      };
      return { result, selftestsDir: dir };
    },
  };
}

/**
 * A boot of a lab older kernel: the series' outcomes built for it, failing what the
 * kernel itself fails; the stand-in suite runs them and its output is parsed for real,
 * with the deny lists applied after the run as for suites that cannot filter by name.
 */
async function labOlderBoot(req: BootRequest, host: LabHost): Promise<BootResult> {
  host.olderBoots += 1;
  const kernel = JSON.parse(readFileSync(req.kernelImage, 'utf8')) as LabOlderKernel;
  const base = { kernel: req.kernelImage, accel: 'tcg' as const, crashes: [], durationMs: 0 };
  if (kernel.boots === false)
    return { ...base, suites: [], status: 'no-boot', reason: 'no GUEST-READY on the console' };
  const built = JSON.parse(readFileSync(join(req.selftestsDir, 'lab-older.json'), 'utf8'));
  const tests: Record<string, 'pass' | 'fail'> = { ...built };
  for (const name of kernel.fails ?? []) tests[name] = 'fail';
  const results = [];
  for (const suite of req.suites) {
    const only = req.only?.[suite.name];
    const args = Object.entries(tests)
      .filter(([name]) => !only || only.includes(name))
      .map(([name, outcome]) => `${name}=${outcome}`);
    const r = await runCommand([...(suite.argv ?? []), ...args], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    });
    const result = suiteResult({
      suite,
      output: `${r.stdoutTail}${r.stderrTail}`,
      exitCode: r.exitCode,
      timedOut: false,
      durationMs: r.durationMs,
      only,
    });
    const denied = applyDenyLists(
      'command',
      result.tests,
      listsForSuite(req.lists, suite),
      undefined,
      true,
    );
    results.push({ ...result, tests: denied.tests, denied: denied.denied });
  }
  return { ...base, suites: results, status: 'ok' };
}

async function amSeries(ctx: AppContext, lane: Lane, series: StoredSeries): Promise<ApplyResult> {
  const base = (await treeTip(ctx, lane.tree)) as string;
  await resetLane(lane, base, ctx);
  const patches: PatchApply[] = [];
  for (const p of [...series.patches].sort((a, b) => a.index - b.index)) {
    if (patches.some((x) => x.status === 'failed')) {
      patches.push({ index: p.index, subject: p.subject, status: 'not-attempted' });
      continue;
    }
    const am = await runCommand(['git', 'am', '--3way', p.rawPath], {
      cwd: lane.worktree,
      env: gitEnv(),
    });
    if (am.exitCode !== 0) {
      await runCommand(['git', 'am', '--abort'], { cwd: lane.worktree, env: gitEnv() });
      patches.push({ index: p.index, subject: p.subject, status: 'failed', error: am.stdoutTail });
      continue;
    }
    const head = await runCommand(['git', 'rev-parse', 'HEAD'], {
      cwd: lane.worktree,
      env: gitEnv(),
    });
    patches.push({
      index: p.index,
      subject: p.subject,
      status: 'applied',
      commit: head.stdoutTail.trim(),
    });
  }
  const failed = patches.some((p) => p.status === 'failed');
  return {
    status: failed ? 'conflict' : 'pass',
    tree: lane.tree,
    baseSha: base,
    baseReason: 'the tree tip',
    patches,
    headSha: patches.at(-1)?.commit,
  };
}

function shaAfter(applied: ApplyResult, k: number): string {
  return k === 0 ? applied.baseSha : (applied.patches[k - 1]?.commit as string);
}

/**
 * One boot of the lab kernel. The outcomes are decided here, on the host, from
 * the tree (kernel.json) and the scenario's script, and handed to the stand-in
 * suite as arguments; then the suites run on the host, or in QEMU when host.vm
 * is set, and the real suite parser reads their output.
 */
async function labBoot(ctx: AppContext, req: BootRequest, host: LabHost): Promise<BootResult> {
  host.boots += 1;
  const started = Date.now();
  const kernel = JSON.parse(readFileSync(req.kernelImage, 'utf8')) as LabKernel;
  const base = { kernel: req.kernelImage, accel: 'tcg' as const, crashes: [], suites: [] };
  if (host.faultOn.includes(host.boots)) {
    return { ...base, status: 'infra', reason: host.fault, durationMs: Date.now() - started };
  }
  // Only a guest is ever told to hang: the stand-in stops its parent, the guest's timeout.
  const hang = kernel.hangs && host.vm ? ['hang'] : [];
  const suites = req.suites.map((suite) => ({
    ...suite,
    argv: [...(suite.argv ?? []), ...hang, ...scriptArgs(host, kernel, req.only?.[suite.name])],
  }));
  if (host.vm) return host.vm(ctx, { ...req, suites }, kernel);
  if (kernel.boots === false) {
    return { ...base, status: 'no-boot', reason: 'no GUEST-READY on the console', durationMs: 0 };
  }
  if (kernel.hangs) {
    const stuck = suites.map((suite) =>
      suiteResult({ suite, output: '', exitCode: null, timedOut: false, durationMs: 0 }),
    );
    const reason = 'total (30 s) timeout ran out; VM killed';
    return { ...base, suites: stuck, status: 'timeout', reason, durationMs: 0 };
  }
  const results = [];
  for (const suite of suites) {
    const only = req.only?.[suite.name];
    const r = await runCommand(suite.argv, {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      timeoutMs: (suite.timeoutSeconds ?? ctx.config.vm.suiteTimeoutSeconds) * 1000,
      logFile: join(req.artifactsDir, `${suite.name}.log`),
      signal: req.signal,
    });
    if (r.timedOut) {
      return {
        ...base,
        status: 'timeout',
        reason: `${suite.name} ran past its timeout`,
        durationMs: Date.now() - started,
      };
    }
    const output = `${r.stdoutTail}${r.stderrTail}`;
    results.push(
      suiteResult({
        suite,
        output,
        exitCode: r.exitCode,
        timedOut: false,
        durationMs: r.durationMs,
        only,
      }),
    );
  }
  return { ...base, suites: results, status: 'ok', durationMs: Date.now() - started };
}

/** This suite run's arguments for the stand-in: hang or exit as scripted, else each test's outcome. */
function scriptArgs(host: LabHost, kernel: LabKernel, only: string[] | undefined): string[] {
  host.suiteRuns += 1;
  const run = host.suiteRuns;
  const args: string[] = [];
  if (host.script.sleepOn?.includes(run)) args.push(`sleep=${host.script.sleepSeconds ?? 60}`);
  const exit = host.script.exitOn?.[run];
  if (exit !== undefined) args.push(`exit=${exit}`);
  for (const [name, outcome] of Object.entries(kernel.tests)) {
    if (only && !only.includes(name)) continue;
    const attempt = (host.attempts.get(name) ?? 0) + 1;
    host.attempts.set(name, attempt);
    const scripted = host.script.tests?.[name]?.failOn.includes(attempt) ?? false;
    args.push(`${name}=${outcome === 'fail' || scripted ? 'fail' : 'pass'}`);
  }
  return args;
}
