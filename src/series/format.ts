import type { StoredSeries } from './types.js';

/** One line per series for `bpfci series list` and the demo. Fields are already sanitised. */
export function formatSeriesLine(s: StoredSeries): string {
  const have = s.patches.filter((p) => p.index >= 1).length;
  const state = s.supersededBy
    ? `superseded by #${s.supersededBy}`
    : s.heldReason
      ? 'held'
      : s.complete
        ? 'complete'
        : 'incomplete';
  const flags = [s.rfc ? 'RFC' : '', s.resend ? 'RESEND' : ''].filter(Boolean).join(' ');
  return [
    `#${s.id}`,
    `v${s.version}`,
    `${have}/${s.total}`,
    state,
    s.treeTag ?? '-',
    `<${s.submitter.addr}>`,
    `${flags ? `[${flags}] ` : ''}${s.name}`,
  ].join('  ');
}

/** The detail view for `bpfci series show`. */
export function formatSeriesDetail(s: StoredSeries): string {
  const lines = [
    `series #${s.id}: ${s.name}`,
    `  version     v${s.version}${s.rfc ? ' RFC' : ''}${s.resend ? ' RESEND' : ''}`,
    `  submitter   ${s.submitter.name} <${s.submitter.addr}>`,
    `  tree tag    ${s.treeTag ?? '-'}`,
    `  status      ${s.complete ? 'complete' : 'incomplete'} (${s.patches.length}/${s.total} patches)`,
    `  cover       ${s.coverMessageId ? `<${s.coverMessageId}>` : '-'}`,
    `  base        ${s.baseCommit ?? '-'}`,
  ];
  if (s.heldReason) lines.push(`  held        ${s.heldReason}`);
  if (s.changeId) lines.push(`  change-id   ${s.changeId}`);
  if (s.previousId) lines.push(`  previous    #${s.previousId}`);
  if (s.supersededBy) lines.push(`  superseded  by #${s.supersededBy}`);
  if (s.patchworkUrl) lines.push(`  patchwork   ${s.patchworkUrl}`);
  for (const p of s.patches) {
    const from = p.inheritedFrom ? ` (from #${p.inheritedFrom})` : '';
    lines.push(`  ${p.index}/${s.total} ${p.subject}${from}`, `      <${p.messageId}>`);
    for (const t of p.trailers) lines.push(`      ${t.name}: ${t.value}`);
  }
  for (const x of s.extraPatches) {
    lines.push(
      `  ${x.index}/${s.total} ${x.subject} (also numbered ${x.index})`,
      `      <${x.messageId}>`,
    );
  }
  return `${lines.join('\n')}\n`;
}
