import { describe, expect, it } from 'vitest';
import type { SeriesItem } from '../../../src/web/data/series.js';
import { seriesPage } from '../../../src/web/pages/series-page.js';

const series: SeriesItem = {
  id: 7,
  name: 'bpf: flaky thing',
  version: 1,
  submitter: 'Alice <alice@example.org>',
  total: 2,
  complete: true,
  createdAt: '2026-12-07T10:00:00Z',
};

describe('the series page', () => {
  it('lists the runs side by side with why each started, escaped', () => {
    const page = seriesPage(
      series,
      [series],
      [
        {
          id: 11,
          trigger: 'posted',
          status: 'done',
          startedAt: '2026-12-07T10:01:00Z',
          durationMs: 540_000,
          verdict: 'failure',
          summary: '1 new failure: test_progs/timer',
        },
        {
          id: 19,
          trigger: 'retest by <script>x</script>@example.org',
          status: 'done',
          startedAt: '2026-12-07T12:00:00Z',
          verdict: 'success',
          summary: 'no new failures',
        },
      ],
    ).toString();
    const runs = page.slice(page.indexOf('<h2>Runs</h2>'));
    expect(runs.indexOf('posted')).toBeLessThan(runs.indexOf('retest by'));
    expect(runs).toContain('540 s');
    expect(runs).toContain('retest by &lt;script&gt;x&lt;/script&gt;@example.org');
    expect(runs).not.toContain('<script>');
  });

  it('has no runs table before the first run', () => {
    expect(seriesPage(series, [series], []).toString()).not.toContain('<h2>Runs</h2>');
  });
});
