import type { ApplyStatus, PatchApply } from '../../verdict/stages.js';

/**
 * The series status and a one-line reason from the per-patch results:
 * - every patch already in the base (no change on apply, or found upstream after a
 *   failure) → already-applied;
 * - a patch failed → conflict, naming the patch, why and the files;
 * - otherwise pass (some patches may have been no-ops already in the base).
 */
export function summarise(patches: PatchApply[]): { status: ApplyStatus; reason: string } {
  const n = patches.length;
  const upstream = patches.filter((p) => p.status === 'already-applied' || p.upstream);
  if (n > 0 && upstream.length === n) {
    const how = [...new Set(upstream.map((p) => p.upstream?.by ?? 'no-change'))].join(', ');
    return {
      status: 'already-applied',
      reason: `all ${n} patches are already in the base (${how})`,
    };
  }
  const failed = patches.find((p) => p.status === 'failed');
  if (failed) {
    const files = failed.conflictFiles?.length ? `: ${failed.conflictFiles.join(', ')}` : '';
    const why = {
      conflict: 'does not apply (conflict)',
      'missing-file': 'changes a file the base does not have',
      corrupt: 'is not a patch git can read',
      other: 'does not apply',
    }[failed.failKind ?? 'other'];
    return {
      status: 'conflict',
      reason: `patch ${failed.index}/${n} "${failed.subject}" ${why}${files}`,
    };
  }
  const applied = patches.filter((p) => p.status === 'applied').length;
  const noop = n - applied;
  return {
    status: 'pass',
    reason: `${applied} of ${n} patches applied${noop ? `, ${noop} already in the base` : ''}`,
  };
}
