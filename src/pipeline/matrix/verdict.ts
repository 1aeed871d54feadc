import type { MatrixVerdict, OlderKernelResult } from '../../verdict/verdict.js';
import type { MatrixPlan } from './plan.js';
import type { OlderOutcome } from './run-older.js';

/**
 * One result per configured older kernel, in config order, for the verdict. A kernel
 * the series run never reached (its own kernel did not build) is `not-run`.
 */
export function matrixVerdict(
  plan: MatrixPlan,
  baseInfra: OlderKernelResult[],
  series: OlderOutcome[],
): MatrixVerdict {
  const byName = new Map<string, OlderKernelResult>();
  for (const r of [...plan.unusable, ...baseInfra, ...series.map((o) => o.result)])
    byName.set(r.name, r);
  const kernels = plan.ran
    ? plan.names.map(
        (name): OlderKernelResult =>
          byName.get(name) ?? {
            name,
            status: 'not-run',
            reason: 'the series kernel did not get that far',
          },
      )
    : [];
  return { ran: plan.ran, reason: plan.reason, kernels };
}
