import { onOlderKernel } from '../../verdict/suites.js';
import type { SuiteResult } from '../../verdict/tests.js';
import type { Verdict } from '../../verdict/verdict.js';
import { type Html, html } from '../html.js';
import { listNotes } from './suite-notes.js';

/**
 * The older-kernel matrix on the run page: skipped and why, or a table of kernel by
 * suite with pass, fail, denied and skipped counts, and below it what the lists
 * removed there (stale entries marked), per kernel.
 */
export function matrixSection(v: Verdict | undefined): Html | string {
  const m = v?.matrix;
  if (!v || !m) return '';
  if (!m.ran) return html`<h2>Older kernels</h2><p class="muted">Not run: ${m.reason}.</p>`;
  const suites = [...new Set(m.kernels.flatMap((k) => k.boot?.suites.map((s) => s.suite) ?? []))];
  const rows = m.kernels.map((k) => {
    const cells = suites.map((name) => {
      const s = k.boot?.suites.find((x) => x.suite === name);
      return html`<td>${s ? counts(v, onOlderKernel(name, k.name), s) : '—'}</td>`;
    });
    const status = k.status === 'tested' ? 'pass' : 'infra';
    return html`<tr><td>${k.name}${k.release ? html` <span class="muted">${k.release}</span>` : ''}</td>
      <td class="c-${status}">${k.status}</td>${cells}<td>${k.reason ?? ''}</td></tr>`;
  });
  const notes = m.kernels.flatMap((k) =>
    (k.boot?.suites ?? []).flatMap((s) => {
      const n = listNotes(s);
      return n.length ? [html`<p><b>${s.suite} on ${k.name}</b>${n}</p>`] : [];
    }),
  );
  return html`<h2>Older kernels</h2><p>${m.reason}.</p>
    <table><thead><tr><th>kernel</th><th>status</th>${suites.map((s) => html`<th>${s}</th>`)}<th>note</th></tr></thead>
    <tbody>${rows}</tbody></table>${notes}`;
}

/** `12 pass · 1 fail (1 new) · 2 denied · 3 skipped` */
function counts(v: Verdict, qualified: string, s: SuiteResult): Html {
  const n = (status: string) => s.tests.filter((t) => t.status === status).length;
  const fresh = v.failures.filter((f) => f.suite === qualified && f.class === 'new').length;
  return html`${n('pass')} pass · <span class="${n('fail') ? 'c-fail' : ''}">${n('fail')} fail</span>${fresh ? html` (${fresh} new)` : ''}
    · ${s.denied?.length ?? 0} denied · ${n('skip')} skipped`;
}
