import { JOB_STATES } from '../../daemon/queue.js';
import type { SeriesFilters, SeriesItem } from '../data/series.js';
import { type Html, html } from '../html.js';
import { page, verdictBadge } from '../layout.js';

const VERDICTS = ['success', 'failure', 'warning', 'infra'];

function select(name: string, current: string | undefined, options: string[]): Html {
  return html`<label>${name}<select name="${name}"><option value="">any</option>${options.map(
    (o) => html`<option value="${o}" ${o === current ? html`selected` : ''}>${o}</option>`,
  )}</select></label>`;
}

export function seriesListPage(
  items: SeriesItem[],
  filters: SeriesFilters,
  choices: { trees: string[]; versions: number[] },
): Html {
  const form = html`<form class="filters" method="get" action="/">
    ${select('status', filters.status, [...JOB_STATES, 'none'])}
    ${select('tree', filters.tree, choices.trees)}
    ${select('version', filters.version?.toString(), choices.versions.map(String))}
    ${select('verdict', filters.verdict, VERDICTS)}
    <button type="submit">filter</button></form>`;
  const rows = items.map(
    (s) => html`<tr>
      <td class="num"><a href="/series/${s.id}">${s.id}</a></td>
      <td><a href="/series/${s.id}">${s.name}</a>${s.supersededBy ? html` <span class="muted">(superseded)</span>` : ''}</td>
      <td class="num">v${s.version}</td><td class="num">${s.total}</td>
      <td>${s.submitter}</td><td>${s.job?.lane ?? s.treeTag ?? ''}</td>
      <td>${s.job ? html`<a class="s-${s.job.state}" href="/runs/${s.job.id}">${s.job.state}</a>` : html`<span class="muted">${s.heldReason ? 'held' : s.complete ? 'not queued' : 'incomplete'}</span>`}</td>
      <td>${verdictBadge(s.job?.verdict)}</td></tr>`,
  );
  return page(
    'Series',
    html`<h1>Series</h1>${form}
    <table><thead><tr><th>#</th><th>series</th><th>ver</th><th>patches</th><th>submitter</th>
    <th>tree</th><th>job</th><th>verdict</th></tr></thead>
    <tbody>${rows.length ? rows : html`<tr><td colspan="8" class="muted">no series match</td></tr>`}</tbody></table>`,
  );
}
