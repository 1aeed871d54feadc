import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SeriesForApply } from '../../src/pipeline/apply/series-input.js';

export const KERNEL_SERIES_DIR = join(import.meta.dirname, '../fixtures/kernel-series');

/**
 * One of the kernel-series fixtures (good, bad, conflict) as the apply stage's input:
 * subjects unfolded and stripped of [PATCH ...], base-commit from the cover letter.
 */
export function loadKernelSeries(name: 'good' | 'bad' | 'conflict'): SeriesForApply {
  const dir = join(KERNEL_SERIES_DIR, name);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.patch'))
    .sort();
  const cover = readFileSync(join(dir, files[0] ?? ''), 'utf8');
  const patches = files.slice(1).map((f, i) => {
    const mbox = readFileSync(join(dir, f), 'utf8');
    const header = mbox.slice(0, mbox.indexOf('\n\n'));
    const subject =
      /^Subject: (.*(?:\n[ \t].*)*)/m.exec(header)?.[1]?.replace(/\n[ \t]/g, ' ') ?? f;
    return { index: i + 1, subject: subject.replace(/^\[[^\]]*\]\s*/, ''), mbox };
  });
  return {
    treeTag: 'bpf-next',
    baseCommit: /^base-commit: ([0-9a-f]+)$/m.exec(cover)?.[1],
    patches,
  };
}
