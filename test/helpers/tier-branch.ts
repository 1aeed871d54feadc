import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TIER_BRANCH = 'bpfci-tier';
const TEST_MAPS = 'tools/testing/selftests/bpf/test_maps.c';

/**
 * The whole 6.1 test_maps takes 20 minutes and more under TCG here, nearly all of it in
 * test_map_parallel and test_map_stress forking 100 tasks each, twelve times over. The
 * kernel tier boots the battery five times, so its tree is base-6.1 plus one commit that
 * scales those constants down (100 tasks to 8, 32K map entries to 4K). It is still the
 * tree's own test_maps, built by the bot, with its real output; production runs it whole.
 * The commit is made with plumbing and fixed dates, so the same cached repo always gets
 * the same commit (and the kernel tier's baseline and ccache stay warm between runs).
 */
export function tierBranch(repo: string): string {
  const git = (args: string[], input?: string, env: Record<string, string> = {}) =>
    execFileSync('git', ['-C', repo, ...args], {
      encoding: 'utf8',
      input,
      env: { ...process.env, ...FIXED, ...env },
    }).trim();
  const base = git(['rev-parse', 'base-6.1^{commit}']);
  let edits = 0;
  const edit = (from: RegExp, to: string) => (text: string) =>
    text.replace(from, () => {
      edits++;
      return to;
    });
  const scaled = [
    edit(/^#define TASKS 100$/m, '#define TASKS 8'),
    edit(/run_parallel\(100, /g, 'run_parallel(8, '),
    edit(/^#define MAP_SIZE \(32 \* 1024\)$/m, '#define MAP_SIZE (4 * 1024)'),
  ].reduce((text, f) => f(text), git(['show', `${base}:${TEST_MAPS}`]));
  if (edits !== 8) throw new Error(`${TEST_MAPS}: expected 8 edits, made ${edits}`);
  const blob = git(['hash-object', '-w', '--stdin'], `${scaled}\n`);
  const scratch = mkdtempSync(join(tmpdir(), 'bpfci-tier-index-'));
  try {
    const index = { GIT_INDEX_FILE: join(scratch, 'index') };
    git(['read-tree', base], undefined, index);
    git(['update-index', '--cacheinfo', `100644,${blob},${TEST_MAPS}`], undefined, index);
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
