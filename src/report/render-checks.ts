import { BotError } from '../errors.js';
import { guiltyIndex, type ReportContext } from './context.js';
import { retryNote } from './retry-text.js';
import { sanitizeHeaderText } from './sanitize.js';
import { type ContextNames, plannedContexts, type StageLine, stageLines } from './stages.js';
import { oneLine } from './text.js';
import type { CheckPost } from './types.js';

/** Patchwork refuses a target_url over 200 characters (400 "Ensure this field…"). */
export const MAX_TARGET_URL = 200;
const MAX_DESCRIPTION = 120;

/**
 * The final checks: one per stage and suite, on every patch that gets checks. A
 * patch before the guilty one is not failed: it applied, or bisection showed the
 * series up to it passes what fails later, and a maintainer may apply it alone. That holds only
 * while the failure still shows on a checked patch (the guilty one or later), so a
 * series is never all green on Patchwork because the later patches have no id.
 */
export function renderChecks(ctx: ReportContext): CheckPost[] {
  const lines = stageLines(ctx);
  const target = targetUrl(ctx.runUrl);
  const guilty = guiltyIndex(ctx.verdict);
  const shown = guilty !== undefined && ctx.checkPatches.some((p) => p.index >= guilty);
  const clearBelow = shown ? guilty : 0;
  const total = ctx.series.patches.length;
  const infra = ctx.verdict.verdict === 'infra';
  return ctx.checkPatches.flatMap(({ index, patchworkId }) =>
    lines
      .map((l) => (index < clearBelow ? clearedBefore(l, clearBelow, total) : l))
      .map((l) => (infra && l.state === 'warning' ? withRetry(l, ctx) : l))
      .map((l) => ({
        patchId: patchworkId,
        context: l.context,
        state: l.state,
        description: sanitizeHeaderText(l.summary, MAX_DESCRIPTION),
        target_url: target,
      })),
  );
}

/** An infra warning says what comes next; the note is kept whole, the reason shortened. */
function withRetry(line: StageLine, ctx: ReportContext): StageLine {
  const note = ` (${retryNote(ctx.retry)})`;
  return { ...line, summary: `${oneLine(line.summary, MAX_DESCRIPTION - note.length)}${note}` };
}

function clearedBefore(line: StageLine, guilty: number, total: number): StageLine {
  if (line.state !== 'fail') return line;
  const summary =
    line.label === 'apply'
      ? `applies here; patch ${guilty}/${total} does not`
      : `passes here; fails from patch ${guilty}/${total}`;
  return { ...line, state: 'success', summary };
}

/** The `pending` checks posted when a job starts, for every context it will finish. */
export function renderPendingChecks(
  names: ContextNames,
  patchIds: number[],
  runUrl: string,
): CheckPost[] {
  const target = targetUrl(runUrl);
  return patchIds.flatMap((patchId) =>
    plannedContexts(names).map((context) => ({
      patchId,
      context,
      state: 'pending' as const,
      description: 'Testing started',
      target_url: target,
    })),
  );
}

/**
 * The run page as target_url. A run URL is short by construction (base URL plus a
 * number); one that is not means a misconfigured baseUrl, so fail loudly here rather
 * than get a 400 for every check.
 */
export function targetUrl(runUrl: string): string {
  if (runUrl.length > MAX_TARGET_URL || !/^https?:\/\//.test(runUrl)) {
    throw new BotError(
      'CONFIG_INVALID',
      `report.baseUrl: run URL is not a valid Patchwork target_url (http(s), at most ${MAX_TARGET_URL} chars): ${runUrl.slice(0, 80)}`,
    );
  }
  return runUrl;
}
