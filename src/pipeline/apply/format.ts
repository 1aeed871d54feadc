import type { ApplyResult, PatchApply } from '../../verdict/stages.js';

/** Patch subjects and git output come from mail: no terminal escapes reach the screen. */
function clean(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f\u009b]/g, '?');
}

const MARK: Record<PatchApply['status'], string> = {
  applied: 'applied',
  failed: 'FAILED',
  'not-attempted': 'skipped',
  'already-applied': 'upstream',
};

/**
 * The apply result for a person at a terminal: the verdict with tree and base, one
 * line per patch, and for a failed patch its files, git's complaint and the start
 * of the conflict diff.
 */
export function formatApplyResult(r: ApplyResult, options: { diffLines?: number } = {}): string {
  const out = [
    `apply: ${r.status} on ${r.tree} at ${r.baseSha.slice(0, 12)}`,
    `  base: ${clean(r.baseReason)}`,
  ];
  if (r.reason) out.push(`  ${clean(r.reason)}`);
  for (const a of r.attempts ?? []) {
    out.push(
      `  tried ${a.tree} at ${a.baseSha.slice(0, 12)}: ${a.status}${a.reason ? ` (${clean(a.reason)})` : ''}`,
    );
  }
  const n = r.patches.length;
  for (const p of r.patches) {
    const extra = p.commit
      ? ` ${p.commit.slice(0, 12)}`
      : p.upstream
        ? ` (${p.upstream.by} ${p.upstream.commit.slice(0, 12)})`
        : '';
    out.push(`  [${p.index}/${n}] ${MARK[p.status].padEnd(8)} ${clean(p.subject)}${extra}`);
    if (p.status !== 'failed') continue;
    if (p.conflictFiles?.length) out.push(`      files: ${p.conflictFiles.map(clean).join(', ')}`);
    for (const line of (p.error ?? '').split('\n').filter(Boolean).slice(0, 8))
      out.push(`      ${clean(line)}`);
    const diff = (p.conflictDiff ?? '').split('\n');
    const limit = options.diffLines ?? 40;
    if (diff.length > 1) {
      out.push('      conflict:');
      for (const line of diff.slice(0, limit)) out.push(`      | ${clean(line)}`);
      if (diff.length > limit)
        out.push(`      | ... ${diff.length - limit} more lines (--json has all)`);
    }
  }
  if (r.headSha && r.status === 'pass') out.push(`  head: ${r.headSha}`);
  return `${out.join('\n')}\n`;
}
