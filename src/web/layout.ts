import { type Html, html, trusted } from './html.js';

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d2733;background:#f6f7f9}
header{background:#1d2733;color:#fff;padding:.6em 1.2em;display:flex;gap:1.5em;align-items:center}
header a{color:#cfe3ff;text-decoration:none}header b{font-size:1.1em}
main{padding:1em 1.2em;max-width:1200px}
table{border-collapse:collapse;width:100%;background:#fff;margin:.6em 0 1.2em}
th,td{border-bottom:1px solid #e3e6ea;padding:.35em .55em;text-align:left;vertical-align:top}
th{background:#eef1f4;font-weight:600}
code,pre{font-family:ui-monospace,monospace;font-size:12.5px}
pre{background:#fff;border:1px solid #e3e6ea;padding:.6em;overflow:auto;white-space:pre-wrap}
.v-success,.c-pass,.s-done{color:#11772f;font-weight:600}
.v-failure,.c-new,.c-fail,.s-failed{color:#b3141b;font-weight:600}
.v-warning,.c-flaky,.c-pre-existing{color:#9a6700;font-weight:600}
.v-infra,.c-infra,.s-cancelled{color:#6e40c9;font-weight:600}
.c-fixed{color:#0a6ebd;font-weight:600}.s-running{color:#0a6ebd}
form.filters{display:flex;gap:.6em;flex-wrap:wrap;align-items:end}
form.filters label{display:flex;flex-direction:column;font-size:12px}
.muted{color:#68727d}.num{text-align:right;font-variant-numeric:tabular-nums}
.log td.n{color:#9aa3ad;text-align:right;user-select:none;width:1%}
.log td{border:0;padding:0 .5em;white-space:pre-wrap;font-family:ui-monospace,monospace;font-size:12px}
`;

/** The page frame. Read-only: no forms post anywhere, no scripts run. */
export function page(title: string, body: Html): Html {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title} · bpfci</title><style>${trusted(STYLE)}</style></head>
<body><header><b>bpfci</b><a href="/">series</a><a href="/trend">trend</a>
<a href="/status">status</a><a href="/metrics">metrics</a></header>
<main>${body}</main></body></html>`;
}

export function verdictBadge(verdict: string | undefined | null): Html {
  return verdict
    ? html`<span class="v-${verdict}">${verdict}</span>`
    : html`<span class="muted">—</span>`;
}

export function seconds(ms: number | undefined | null): string {
  if (ms === undefined || ms === null) return '—';
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
