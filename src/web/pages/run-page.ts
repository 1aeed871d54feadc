import { shellWord } from '../../report/render-email.js';
import type { Verdict } from '../../verdict/verdict.js';
import type { RunView, TestRow } from '../data/run.js';
import { type Html, html, query } from '../html.js';
import { page, seconds, verdictBadge } from '../layout.js';
import { matrixSection } from './matrix-section.js';
import { growthNotes, listNotes } from './suite-notes.js';

function stageRows(v: Verdict | undefined): Html[] {
  if (!v) return [];
  const rows: Html[] = [];
  if (v.apply) {
    const a = v.apply;
    const failed = a.patches.find((p) => p.status === 'failed');
    rows.push(html`<tr><td>apply</td><td class="c-${a.status === 'pass' ? 'pass' : 'fail'}">${a.status}</td>
      <td class="num">—</td><td>${a.tree} at <code>${a.baseSha.slice(0, 12)}</code> (${a.baseReason})
      ${failed ? html`<br>patch ${failed.index} failed: ${failed.subject} ${failed.conflictFiles?.join(', ') ?? ''}` : ''}</td></tr>`);
  }
  for (const b of v.build ?? []) {
    rows.push(html`<tr><td>build ${b.target}</td><td class="c-${b.status === 'pass' ? 'pass' : 'fail'}">${b.status}</td>
      <td class="num">${seconds(b.durationMs)}</td><td>${b.compiled} objects compiled, ${b.warnings} warnings
      ${b.newWarnings.length ? html`(${b.newWarnings.length} new)` : ''}
      ${b.firstError ? html`<br><code>${b.firstError.file ?? ''}:${b.firstError.line ?? ''} ${b.firstError.message}</code>` : ''}
      ${b.guiltyPatch ? html`<br>first broken by patch ${b.guiltyPatch}` : ''}</td></tr>`);
  }
  if (v.boot) {
    const b = v.boot;
    rows.push(html`<tr><td>boot</td><td class="c-${b.status === 'ok' ? 'pass' : 'fail'}">${b.status}</td>
      <td class="num">${seconds(b.durationMs)}</td><td>${b.kernel} · ${b.accel}
      ${b.crashes.map((c) => html`<br>${c.kind}: <code>${c.fingerprint}</code>`)}</td></tr>`);
    for (const s of b.suites) {
      const fails = s.tests.filter((t) => t.status === 'fail').length;
      rows.push(html`<tr><td>test ${s.suite}</td><td class="c-${s.outcome === 'ok' ? 'pass' : s.outcome === 'infra' ? 'infra' : 'fail'}">${s.outcome}</td>
        <td class="num">${seconds(s.durationMs)}</td><td>${s.tests.length} tests, ${fails} failed
        ${s.infraReason ? html`<br>${s.infraReason}` : ''}${listNotes(s)}${growthNotes(v, s.suite)}</td></tr>`);
    }
  }
  rows.push(html`<tr><td>judge</td><td>${verdictBadge(v.verdict)}</td><td class="num">—</td>
    <td>${v.summary}${v.baselineRunId ? html`<br>baseline run ${v.baselineRunId}` : ''} · ${v.extraRuns} extra runs
    ${v.guiltyPatch ? html`<br>guilty patch: ${v.guiltyPatch}` : ''}</td></tr>`);
  return rows;
}

function testTable(tests: TestRow[], all: boolean, jobId: number): Html {
  const interesting = tests.filter((t) => t.status !== 'pass' || t.class);
  const shown = all ? tests : interesting;
  const passed = tests.filter((t) => t.status === 'pass').length;
  const rows = shown.map(
    (t) => html`<tr><td>${t.suite}</td><td><code>${t.name}</code></td>
      <td class="c-${t.status}">${t.status}</td><td>${t.class ? html`<span class="c-${t.class}">${t.class}</span>` : ''}</td>
      <td>${t.excerpt ? html`<pre>${t.excerpt}</pre>` : ''}</td></tr>`,
  );
  return html`<p>${tests.length} tests, ${passed} passed.
    ${all ? html`<a href="/runs/${jobId}">show failures only</a>` : html`<a href="/runs/${jobId}${query({ all: 1 })}">show all</a>`}</p>
    <table><thead><tr><th>suite</th><th>test</th><th>status</th><th>class</th><th>excerpt</th></tr></thead>
    <tbody>${rows.length ? rows : html`<tr><td colspan="5" class="muted">no failures</td></tr>`}</tbody></table>`;
}

/** The command a developer pastes to run the same test at home. */
export function reproduction(view: RunView): string | undefined {
  const id = view.patches.at(-1)?.messageId;
  const tree = view.verdict?.apply?.tree ?? view.job.lane;
  return id
    ? `bpfci test ${shellWord(id.replace(/^<|>$/g, ''))} --tree ${shellWord(tree)}`
    : undefined;
}

export function runPage(view: RunView, all: boolean): Html {
  const { job, series, verdict } = view;
  const repro = reproduction(view);
  return page(
    `Run ${job.id}`,
    html`<h1>Run ${job.id}: ${verdictBadge(verdict?.verdict)}</h1>
    <p>${series ? html`<a href="/series/${series.id}">${series.name}</a> (v${series.version})` : `series ${job.seriesId}`}
    · lane ${job.lane} · <span class="s-${job.state}">${job.state}</span> · attempt ${job.attempts}
    · started ${job.startedAt ?? '—'} · finished ${job.finishedAt ?? '—'}
    ${job.errorCode ? html`<br>error ${job.errorCode}: ${job.error ?? ''}` : ''}</p>
    <h2>Stages</h2>
    <table><thead><tr><th>stage</th><th>result</th><th>time</th><th>detail</th></tr></thead>
    <tbody>${stageRows(verdict)}</tbody></table>
    ${matrixSection(verdict)}
    <h2>Tests</h2>${testTable(view.tests, all, job.id)}
    <h2>Logs</h2><ul>${view.artifacts.map(
      (a, i) => html`<li><a href="/runs/${job.id}/log/${i}">${a.label}</a></li>`,
    )}</ul>
    ${repro ? html`<h2>Reproduce</h2><pre>${repro}</pre>` : ''}`,
  );
}
