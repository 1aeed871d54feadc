import type { JudgedFailure, VeristatGrowth } from '../../verdict/failures.js';
import type { ApplyResult, BuildResult } from '../../verdict/stages.js';
import type { SeriesVerdict } from '../../verdict/verdict.js';

export interface VerdictInput {
  apply?: ApplyResult;
  build?: BuildResult[];
  failures: JudgedFailure[];
  /** Set when an infrastructure outcome stopped the job after its retries. */
  infraReason?: string;
  growth?: VeristatGrowth[];
}

/**
 * The series verdict: infra when the bot could not judge, failure for a
 * conflict, a build break or any NEW failure, warning when only failures the
 * series did not cause were seen or veristat programs grew, success otherwise.
 */
export function seriesVerdict(input: VerdictInput): { verdict: SeriesVerdict; summary: string } {
  if (input.infraReason) {
    return {
      verdict: 'infra',
      summary: `infrastructure problem, not the series: ${input.infraReason}`,
    };
  }
  const apply = input.apply;
  if (apply?.status === 'conflict') {
    const failed = apply.patches.find((p) => p.status === 'failed');
    const which = failed ? `patch ${failed.index} ("${failed.subject}")` : 'the series';
    return {
      verdict: 'failure',
      summary: `${which} does not apply to ${apply.tree} at ${apply.baseSha.slice(0, 12)}`,
    };
  }
  if (apply?.status === 'already-applied') {
    return { verdict: 'warning', summary: `already applied to ${apply.tree}: nothing to test` };
  }
  if (apply?.status === 'skip') {
    return { verdict: 'warning', summary: `not tested: ${apply.reason ?? 'skipped'}` };
  }
  const broken = input.build?.find((b) => b.status === 'fail' || b.status === 'contained');
  if (broken) {
    const at = broken.guiltyPatch ? ` (first broken by patch ${broken.guiltyPatch})` : '';
    return { verdict: 'failure', summary: `${broken.target} build fails${at}` };
  }
  const count = (c: JudgedFailure['class']) => input.failures.filter((f) => f.class === c).length;
  const fresh = count('new');
  if (fresh > 0)
    return {
      verdict: 'failure',
      summary: `${fresh} new failure${fresh === 1 ? '' : 's'} caused by the series`,
    };
  const others = count('flaky') + count('pre-existing');
  const grown = new Set(input.growth?.map((g) => `${g.suite}/${g.name}`)).size;
  if (others > 0 || grown > 0) {
    const parts = [`${count('pre-existing')} pre-existing`, `${count('flaky')} flaky`].filter(
      (p) => !p.startsWith('0 '),
    );
    const notOurs = parts.length ? `; ${parts.join(', ')} not caused by the series` : '';
    const growth = grown
      ? `; ${grown} veristat program${grown === 1 ? '' : 's'} cost the verifier more`
      : '';
    return { verdict: 'warning', summary: `no new failures${notOurs}${growth}` };
  }
  const fixed = count('fixed');
  return {
    verdict: 'success',
    summary:
      fixed > 0
        ? `no new failures; fixes ${fixed} base failure${fixed === 1 ? '' : 's'}`
        : 'no new failures',
  };
}
