import type { SeriesForApply } from '../../../src/pipeline/apply/series-input.js';

/** A SeriesForApply from makeSeries() output. */
export function asSeries(
  mails: { subject: string; mbox: string }[],
  extra: Omit<SeriesForApply, 'patches'> = {},
): SeriesForApply {
  return {
    ...extra,
    patches: mails.map((m, i) => ({ index: i + 1, subject: m.subject, mbox: m.mbox })),
  };
}
