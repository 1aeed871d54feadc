import type { TrendPoint } from '../data/trend.js';
import { type Html, html, trusted } from '../html.js';
import { page } from '../layout.js';
import { lineChart } from '../svg-chart.js';

export function trendPage(points: TrendPoint[], days: number): Html {
  const xLabels = points.map((p) => p.day.slice(5));
  const rate = lineChart({
    title: 'Pass rate',
    xLabels,
    yMax: 1,
    yFormat: (v) => `${Math.round(v * 100)}%`,
    series: [{ label: 'pass rate', color: '#11772f', values: points.map((p) => p.passRate) }],
  });
  const times = lineChart({
    title: 'Mean build and test time (s)',
    xLabels,
    series: [
      { label: 'build', color: '#0a6ebd', values: points.map((p) => p.buildSeconds) },
      { label: 'test', color: '#9a6700', values: points.map((p) => p.testSeconds) },
    ],
  });
  const rows = points.map(
    (p) => html`<tr><td>${p.day}</td><td class="num">${p.jobs}</td>
      <td class="num">${p.passRate === null ? '—' : `${Math.round(p.passRate * 100)}%`}</td>
      <td class="num">${p.buildSeconds?.toFixed(0) ?? '—'}</td><td class="num">${p.testSeconds?.toFixed(0) ?? '—'}</td></tr>`,
  );
  return page(
    'Trend',
    html`<h1>Trend, last ${days} days</h1>
    ${points.length ? html`<figure>${trusted(rate)}</figure><figure>${trusted(times)}</figure>` : html`<p class="muted">no finished jobs yet</p>`}
    <table><thead><tr><th>day</th><th class="num">jobs</th><th class="num">pass rate</th><th class="num">build s</th><th class="num">test s</th></tr></thead>
    <tbody>${rows}</tbody></table>`,
  );
}
