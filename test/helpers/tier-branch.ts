import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { BuildProfile } from '../../src/pipeline/build/target.js';

export const TIER_BRANCH = 'bpfci-tier';

/**
 * The kernel tier's profile: `selftests`, the one production runs (CI's, `npm run
 * test:kernel`), or `minimal` with test_verifier alone (BPFCI_KERNEL_TIER=minimal, `npm run
 * test:kernel:minimal`), a quicker check of the same path by hand.
 */
export const KERNEL_TIER: BuildProfile =
  process.env.BPFCI_KERNEL_TIER === 'minimal' ? 'minimal' : 'selftests';
const SELFTESTS = 'tools/testing/selftests/bpf';

/**
 * The whole 6.1 test_maps takes 20 minutes and more under TCG here, and over 3 minutes
 * even with its fork counts cut. Measured in the guest (the tier boots the battery five
 * times): test_map_parallel and test_map_stress fork 100 tasks each over a 32K-entry map,
 * twelve times a pass; task_storage_map_stress_lookup runs 256 threads of 8192 lookups
 * (2 minutes alone); sk_storage_map stresses for 5 s a phase. So the kernel tier's tree is
 * base-6.1 plus one commit that scales those defaults down (8 tasks, 1K entries, 16
 * threads of 512 lookups, 1 s phases). It is still the tree's own test_maps, built by the
 * bot, with its real output; production runs it whole.
 * The commit is made with plumbing and fixed dates, so the same cached repo always gets
 * the same commit (and the kernel tier's baseline and ccache stay warm between runs).
 */
const SCALED: Record<string, [RegExp, string, number][]> = {
  'test_maps.c': [
    [/^#define TASKS 100$/m, '#define TASKS 8', 1],
    [/run_parallel\(100, /g, 'run_parallel(8, ', 6],
    [/^#define MAP_SIZE \(32 \* 1024\)$/m, '#define MAP_SIZE (1 * 1024)', 1],
  ],
  'map_tests/task_storage_map.c': [[/nr = 256, loop = 8192,/, 'nr = 16, loop = 512,', 1]],
  'map_tests/sk_storage_map.c': [[/^static int runtime_s = 5;$/m, 'static int runtime_s = 1;', 1]],
};

export function tierBranch(repo: string): string {
  const git = (args: string[], input?: string, env: Record<string, string> = {}) =>
    execFileSync('git', ['-C', repo, ...args], {
      encoding: 'utf8',
      input,
      env: { ...process.env, ...FIXED, ...env },
    }).trim();
  const base = git(['rev-parse', 'base-6.1^{commit}']);
  const scratch = mkdtempSync(join(tmpdir(), 'bpfci-tier-index-'));
  try {
    const index = { GIT_INDEX_FILE: join(scratch, 'index') };
    git(['read-tree', base], undefined, index);
    for (const [file, edits] of Object.entries(SCALED)) {
      const path = `${SELFTESTS}/${file}`;
      let text = git(['show', `${base}:${path}`]);
      for (const [from, to, expected] of edits) {
        const made = text.match(from)?.length ?? 0;
        if (made !== expected) throw new Error(`${path}: ${from} matched ${made}, not ${expected}`);
        text = text.replace(from, to);
      }
      const blob = git(['hash-object', '-w', '--stdin'], `${text}\n`);
      git(['update-index', '--cacheinfo', `100644,${blob},${path}`], undefined, index);
    }
    const tree = git(['write-tree'], undefined, index);
    const message = 'selftests/bpf: scale test_maps down for the TCG kernel tier';
    const commit = git(['commit-tree', tree, '-p', base, '-m', message]);
    git(['update-ref', `refs/heads/${TIER_BRANCH}`, commit]);
    return commit;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const FIXED = {
  GIT_AUTHOR_NAME: 'bpfci tests',
  GIT_AUTHOR_EMAIL: 'tests@bpfci.invalid',
  GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
  GIT_COMMITTER_NAME: 'bpfci tests',
  GIT_COMMITTER_EMAIL: 'tests@bpfci.invalid',
  GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
};
