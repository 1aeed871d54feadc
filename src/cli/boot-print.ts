import type { BootResult } from '../verdict/stages.js';

const MARK = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' } as const;

/** The human form of `bpfci boot`: one line per test, then splats and the verdict. */
export function formatBootResult(r: BootResult): string {
  const out: string[] = [];
  for (const s of r.suites) {
    const n = (status: string) => s.tests.filter((t) => t.status === status).length;
    const why = s.infraReason ?? s.reason;
    out.push(
      `== ${s.suite} (${s.kind}): ${s.outcome}, exit ${s.exitCode ?? '-'}, ${n('pass')} pass, ${n('skip')} skip, ${n('fail')} fail${why ? ` (${why})` : ''}`,
    );
    for (const t of s.tests) {
      out.push(`${MARK[t.status]}  ${s.suite}  ${t.name}`);
      if (t.status === 'fail' && t.excerpt) out.push(indent(t.excerpt));
    }
  }
  for (const c of r.crashes) out.push(`SPLAT ${c.kind}: ${c.fingerprint}`);
  if (r.missingTools?.length) out.push(`guest root lacks: ${r.missingTools.join(', ')}`);
  const secs = (r.durationMs / 1000).toFixed(1);
  out.push(
    `${r.kernel} (${r.kernelRelease ?? 'release unknown'}), ${r.accel}: ${r.status}${r.reason ? ` (${r.reason})` : ''} in ${secs} s; console: ${r.consolePath ?? '-'}`,
  );
  return `${out.join('\n')}\n`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .slice(-12)
    .map((l) => `      ${l}`)
    .join('\n');
}
