import type { SeriesItem, SeriesRunItem } from '../data/series.js';
import { type Html, html, safeUrl } from '../html.js';
import { page, verdictBadge } from '../layout.js';

export function seriesPage(
  series: SeriesItem,
  revisions: SeriesItem[],
  runs: SeriesRunItem[] = [],
): Html {
  const pw = safeUrl(series.patchworkUrl);
  const rows = revisions.map(
    (r) => html`<tr${r.id === series.id ? html` style="background:#fffbe6"` : ''}>
      <td><a href="/series/${r.id}">v${r.version}</a></td><td class="num">${r.id}</td>
      <td>${r.name}</td><td>${r.createdAt}</td>
      <td>${r.job ? html`<a class="s-${r.job.state}" href="/runs/${r.job.id}">${r.job.state}</a>` : html`<span class="muted">no job</span>`}</td>
      <td>${verdictBadge(r.job?.verdict)}</td></tr>`,
  );
  return page(
    series.name,
    html`<h1>${series.name}</h1>
    <p>v${series.version} · ${series.total} patches · ${series.submitter}
    ${pw ? html` · <a href="${pw}">Patchwork</a>` : ''}</p>
    ${series.heldReason ? html`<p class="held"><strong>Not tested:</strong> ${series.heldReason}</p>` : ''}
    <h2>Revisions</h2>
    <table><thead><tr><th>version</th><th>#</th><th>subject</th><th>seen</th><th>job</th>
    <th>verdict</th></tr></thead><tbody>${rows}</tbody></table>
    ${runs.length ? runTable(runs) : ''}`,
  );
}

/** This revision's runs side by side: why each started (posted, a retest by whom) and its verdict. */
function runTable(runs: SeriesRunItem[]): Html {
  const rows = runs.map(
    (r) => html`<tr><td class="num">${r.id}</td><td>${r.startedAt}</td><td>${r.trigger}</td>
      <td>${r.status}</td><td>${verdictBadge(r.verdict)}</td><td>${r.summary ?? ''}</td>
      <td class="num">${r.durationMs === undefined ? '' : `${Math.round(r.durationMs / 1000)} s`}</td></tr>`,
  );
  return html`<h2>Runs</h2>
    <table><thead><tr><th>run</th><th>started</th><th>why</th><th>status</th><th>verdict</th>
    <th>summary</th><th>took</th></tr></thead><tbody>${rows}</tbody></table>`;
}
