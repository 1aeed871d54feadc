import type { SuiteResult } from '../../verdict/tests.js';
import type { Verdict } from '../../verdict/verdict.js';
import { type Html, html } from '../html.js';

/**
 * What the deny lists removed (with the entry's reason and link, as text: a series can
 * write its tree's DENYLIST), the tests a missing guest tool stopped, and stale entries.
 */
export function listNotes(s: SuiteResult): Html[] {
  const out: Html[] = [];
  for (const d of s.denied ?? []) {
    out.push(html`<br><span class="muted">denied</span> <code>${d.name}</code> by <code>${d.pattern}</code>
      (${d.source})${d.reason ? html`: ${d.reason}` : ''}${d.link ? html` · ${d.link}` : ''}
      ${d.passed ? html` · <span class="c-infra">stale</span>: it passed here, the entry can go` : ''}`);
  }
  for (const t of s.infraTests ?? []) {
    out.push(
      html`<br><span class="c-infra">infrastructure</span> <code>${t.name}</code>: ${t.reason}`,
    );
  }
  for (const w of s.warnings ?? []) out.push(html`<br><span class="c-infra">warning</span> ${w}`);
  return out;
}

/** veristat programs the verifier works harder on with the series: warned, not failed. */
export function growthNotes(v: Verdict, suite: string): Html[] {
  return (v.growth ?? [])
    .filter((g) => g.suite === suite)
    .map(
      (g) => html`<br><span class="c-infra">grew</span> <code>${g.name}</code> ${g.metric}
        ${g.base} → ${g.series} (+${g.percent}%)`,
    );
}
