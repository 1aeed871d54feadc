import type { ScopedEntry } from '../blacklist/load.js';
import type { Config } from '../config/schema.js';
import type { MatrixKernel } from '../config/sections/matrix.js';
import type { AppContext } from '../context.js';
import type { ApplyResult, BootResult, BuildResult } from '../verdict/stages.js';
import type { OlderKernel } from './matrix/kernel.js';

/**
 * The stages the runner drives, as narrow functions. The default wiring
 * (default-stages.ts) binds the real apply/build/boot modules; tests inject
 * their own, so the runner and the judge are testable on their own.
 */

/** What the runner needs of a series revision (the series store's StoredSeries fits). */
export interface RunnableSeries {
  id: number;
  version: number;
  previousId?: number;
  patches: { index: number; subject: string }[];
}

/** A lane held for this job: its tree's worktree and persistent build directory. */
export interface HeldLane {
  tree: string;
  worktree: string;
  buildDir: string;
  ccacheDir: string;
  release(): Promise<void>;
}

export type SuiteSpec = Config['suites'][number];

/** The kernel and selftests a build produced, ready to boot. */
export interface Built {
  results: BuildResult[];
  kernelImage: string;
  selftestsDir: string;
}

export interface BootRequest {
  kernelImage: string;
  selftestsDir: string;
  suites: SuiteSpec[];
  /** Run only these tests, per suite (reruns and bisection). */
  only?: Record<string, string[]>;
  /** test_verifier suites: the `[from to]` numbers of their `only` tests in this build. */
  verifierRanges?: Record<string, [number, number]>;
  lists: ScopedEntry[];
  artifactsDir: string;
  signal?: AbortSignal;
  /** An older kernel's release and modules (the series' own kernel: read from the image). */
  kernelRelease?: string;
  modulesDir?: string;
}

/** What makes two baselines the same, besides tree and base commit. */
export interface BaselineIdentity {
  configHash: string;
  toolchain: string;
  /** Every deny/allow entry in force (listsKey form, for the baseline key)… */
  denylist: string[];
  /** …and the entries themselves, for the boots. */
  lists: ScopedEntry[];
}

export interface Stages<S extends RunnableSeries = RunnableSeries, L extends HeldLane = HeldLane> {
  loadSeries(ctx: AppContext, id: number): S | undefined;
  /** Picks the tree and base, takes that lane and applies the whole series in it. */
  apply(
    ctx: AppContext,
    series: S,
    opts: { tree?: string; signal?: AbortSignal },
  ): Promise<{ result: ApplyResult; lane: L }>;
  /** Moves the lane to base + the first k patches of `applied` (k = 0: the base). */
  checkout(ctx: AppContext, lane: L, applied: ApplyResult, k: number): Promise<void>;
  /** Builds the kernel, then the selftests against it, in the lane. */
  build(
    ctx: AppContext,
    lane: L,
    opts: { logDir: string; baseSha: string; signal?: AbortSignal },
  ): Promise<Built>;
  bootAndTest(ctx: AppContext, req: BootRequest): Promise<BootResult>;
  identity(ctx: AppContext, lane: L, applied: ApplyResult): Promise<BaselineIdentity>;
  /** The older-kernel matrix; absent: the series runs on its own kernel only. */
  matrix?: MatrixStages<L>;
}

/** The older-kernel matrix's stages (pipeline/matrix/). */
export interface MatrixStages<L extends HeldLane = HeldLane> {
  /** The files the series changes (base..head): the matrix runs for userspace changes. */
  touched(ctx: AppContext, lane: L, applied: ApplyResult): Promise<string[]>;
  /** A configured older kernel made ready to build against and boot (cached). */
  prepare(ctx: AppContext, kernel: MatrixKernel): Promise<OlderKernel>;
  /** The deny/allow lists for that kernel's version, read from the series' worktree. */
  lists(
    ctx: AppContext,
    lane: L,
    applied: ApplyResult,
    kernel: OlderKernel,
  ): Promise<Pick<BaselineIdentity, 'denylist' | 'lists'>>;
  /** The lane's selftests, at its current state, built for an older kernel. */
  build(
    ctx: AppContext,
    lane: L,
    kernel: OlderKernel,
    opts: { logDir: string; signal?: AbortSignal },
  ): Promise<{ result: BuildResult; selftestsDir: string }>;
}
