import type { StatusSnapshot } from '../../daemon/status.js';
import { type Html, html } from '../html.js';
import { page } from '../layout.js';

export function statusPage(s: StatusSnapshot): Html {
  const jobRow = (j: StatusSnapshot['running'][number]): Html =>
    html`<tr><td><a href="/runs/${j.id}">${j.id}</a></td><td><a href="/series/${j.seriesId}">${j.seriesId}</a></td>
      <td>${j.lane}</td><td class="num">${j.priority}</td><td class="num">${j.attempts}</td>
      <td>${j.state === 'running' ? (j.startedAt ?? '') : j.nextAttemptAt}</td><td>${j.errorCode ?? ''}</td></tr>`;
  const head = html`<thead><tr><th>job</th><th>series</th><th>lane</th><th>priority</th><th>attempts</th><th>since / due</th><th>last error</th></tr></thead>`;
  return page(
    'Status',
    html`<h1>Status</h1>
    <p>queue depth ${s.queueDepth} · ${Object.entries(s.jobs)
      .map(([k, v]) => `${k} ${v}`)
      .join(' · ')}
    · outbox backlog ${s.outboxBacklog} · disk free ${(s.disk.freeBytes / 1024 ** 3).toFixed(1)} GiB${s.disk.low ? html` <b class="v-failure">(low: new jobs refused)</b>` : ''}</p>
    <h2>Running</h2><table>${head}<tbody>${s.running.map(jobRow)}</tbody></table>
    <h2>Queued</h2><table>${head}<tbody>${s.queued.map(jobRow)}</tbody></table>
    <h2>Sources</h2><table><thead><tr><th>source</th><th>last poll</th><th>last ok</th><th>polls</th><th>errors</th><th>last error</th></tr></thead>
    <tbody>${s.sources.map(
      (p) => html`<tr><td>${p.source}</td><td>${p.lastPollAt}</td><td>${p.lastOkAt ?? '—'}</td>
        <td class="num">${p.pollsTotal}</td><td class="num">${p.errorsTotal}</td>
        <td>${p.lastErrorCode ? `${p.lastErrorCode}: ${p.lastError ?? ''}` : ''}</td></tr>`,
    )}</tbody></table>
    <h2>Lanes</h2><table><thead><tr><th>tree</th><th>holder</th><th>since</th><th>head</th></tr></thead>
    <tbody>${s.lanes.map(
      (
        l,
      ) => html`<tr><td>${l.tree}</td><td>${l.holderPid ? `pid ${l.holderPid} job ${l.holderJob ?? ''}` : 'idle'}</td>
        <td>${l.acquiredAt ?? l.updatedAt}</td><td><code>${l.headSha?.slice(0, 12) ?? ''}</code></td></tr>`,
    )}</tbody></table>`,
  );
}
