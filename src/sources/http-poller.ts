import {
  emptyReport,
  errorOf,
  type Poller,
  type PollReport,
  type SourceContext,
  type SourceName,
} from './types.js';

/** How many HTTP requests a client made: the idle-cost figure of every poll report. */
export interface RequestCount {
  n: number;
}

/**
 * A poller over an HTTP client: each poll counts its requests, and a failure
 * becomes the report's error (data), so one broken source never stops the others.
 */
export function httpPoller(
  name: SourceName,
  count: RequestCount,
  run: (ctx: SourceContext, report: PollReport) => Promise<void>,
): Poller {
  return {
    name,
    async poll(ctx: SourceContext): Promise<PollReport> {
      count.n = 0;
      const report = emptyReport(name);
      try {
        await run(ctx, report);
      } catch (err) {
        report.error = errorOf(err);
        ctx.log.warn({ source: name, err: report.error }, 'poll failed');
      }
      report.requests = count.n;
      return report;
    },
  };
}
