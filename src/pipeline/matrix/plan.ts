import { matrixSuites } from '../../config/sections/matrix.js';
import type { AppContext } from '../../context.js';
import { BotError, errorMessage } from '../../errors.js';
import type { ApplyResult } from '../../verdict/stages.js';
import type { OlderKernelResult } from '../../verdict/verdict.js';
import type { SlotFn } from '../lane-run.js';
import type { HeldLane, MatrixStages } from '../stages.js';
import { matrixApplies } from './applies.js';
import type { OlderTarget } from './run-older.js';

export interface MatrixPlan {
  ran: boolean;
  reason: string;
  /** The configured kernels' names, in config order. */
  names: string[];
  targets: OlderTarget[];
  /** Kernels that could not be made ready (no image, no BTF, a ref that does not build). */
  unusable: OlderKernelResult[];
}

/**
 * Which older kernels a series runs on: none for a series that changes no userspace
 * they run; otherwise every configured one that can be made ready. One that cannot is
 * infrastructure for that kernel only. Undefined when no matrix is configured.
 */
export async function planMatrix<L extends HeldLane>(
  ctx: AppContext,
  matrix: MatrixStages<L> | undefined,
  lane: L,
  applied: ApplyResult,
  slot: SlotFn,
): Promise<MatrixPlan | undefined> {
  const m = ctx.config.matrix;
  if (!m.kernels.length || !matrix) return undefined;
  const applies = matrixApplies(await matrix.touched(ctx, lane, applied), m.paths);
  const names = m.kernels.map((k) => k.name);
  const plan: MatrixPlan = {
    ran: applies.runs,
    reason: applies.reason,
    names,
    targets: [],
    unusable: [],
  };
  if (!applies.runs) return plan;
  const suites = matrixSuites(m, ctx.config.suites);
  for (const k of m.kernels) {
    try {
      // A ref kernel may need a kernel build the first time: it takes a build slot.
      const kernel = await slot('build', () => matrix.prepare(ctx, k));
      const { lists } = await matrix.lists(ctx, lane, applied, kernel);
      plan.targets.push({ kernel, suites, lists });
    } catch (err) {
      if (err instanceof BotError && err.code === 'CANCELLED') throw err;
      ctx.log.warn({ kernel: k.name, err: errorMessage(err) }, 'older kernel unusable');
      plan.unusable.push({ name: k.name, status: 'infra', reason: errorMessage(err) });
    }
  }
  return plan;
}
