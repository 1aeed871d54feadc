import type { SeriesItem } from '../data/series.js';
import { type Html, html, safeUrl } from '../html.js';
import { page, verdictBadge } from '../layout.js';

export function seriesPage(series: SeriesItem, revisions: SeriesItem[]): Html {
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
    <th>verdict</th></tr></thead><tbody>${rows}</tbody></table>`,
  );
}
