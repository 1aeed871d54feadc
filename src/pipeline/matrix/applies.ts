/**
 * Whether a series runs the older-kernel matrix: only when it touches userspace that
 * older kernels run (libbpf, bpftool, the selftests). A kernel-only change gains
 * nothing from an old kernel, which does not have it. The reason goes on the run page.
 */
export function matrixApplies(
  touched: string[],
  prefixes: string[],
): { runs: boolean; reason: string } {
  const hits = touched.filter((f) => prefixes.some((p) => f.startsWith(p)));
  if (hits.length) {
    const more = hits.length > 1 ? ` and ${hits.length - 1} more` : '';
    return { runs: true, reason: `the series changes ${hits[0]}${more}` };
  }
  return { runs: false, reason: `the series changes nothing under ${prefixes.join(', ')}` };
}
