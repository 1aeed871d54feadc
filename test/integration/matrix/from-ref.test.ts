import { cpSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Config } from '../../../src/config/schema.js';
import type { AppContext } from '../../../src/context.js';
import { openDatabase } from '../../../src/db/open.js';
import { silentLogger } from '../../../src/log.js';
import { checkMatrixRefs } from '../../../src/pipeline/matrix/check.js';
import { prepareFromRef } from '../../../src/pipeline/matrix/from-ref.js';
import { fetchTree } from '../../../src/trees/fetch.js';
import { gitIn, openTempDir } from '../../helpers/build-tree.js';

const FAKE = new URL('../../fixtures/build/fake-kernel/', import.meta.url).pathname;

/** An upstream of the fake kernel tree with a `stable` branch and a `v1` tag. */
function setup(kernels: Record<string, unknown>[]) {
  const root = openTempDir('bpfci-ref-kernel-');
  const upstream = join(root, 'upstream');
  cpSync(FAKE, upstream, { recursive: true });
  gitIn(upstream, 'init', '-q', '-b', 'master');
  gitIn(upstream, 'add', '-A');
  gitIn(upstream, 'commit', '-q', '-m', 'base');
  gitIn(upstream, 'tag', 'v1');
  gitIn(upstream, 'branch', 'stable');
  const stateDir = join(root, 'state');
  const config = Config.parse({
    version: 1,
    state: { dir: stateDir },
    trees: { fake: { upstream, branch: 'master' } },
    build: { jobs: 2 },
    matrix: { kernels },
  });
  const ctx: AppContext = {
    config,
    configFile: join(root, 'config.yaml'),
    db: openDatabase(join(root, 'bpfci.sqlite')),
    log: silentLogger,
    stateDir,
  };
  return { ctx, upstream };
}

describe('an older kernel from a git ref', () => {
  it('is built once with the selftests profile, and again only when its ref moves', async () => {
    const stable = { name: 'stable', tree: 'fake', ref: 'stable' };
    const { ctx, upstream } = setup([stable]);
    const first = await prepareFromRef(ctx, stable);
    expect(first.release).toBe('6.6.0-fake');
    expect(first.identity).toBe(`fake@${gitIn(upstream, 'rev-parse', 'stable')}`);
    expect(first.moduleBuildDir).toBe(join(ctx.stateDir, 'matrix', 'stable', 'build'));
    expect(first.vmlinux).toBe(join(first.moduleBuildDir, 'vmlinux'));
    // The selftests profile merged the tree's config fragments (none here) with ours.
    expect(existsSync(join(first.moduleBuildDir, 'bpfci-config.key'))).toBe(true);
    const built = statSync(first.image).mtimeMs;

    const again = await prepareFromRef(ctx, stable);
    expect(again).toEqual(first);
    expect(statSync(again.image).mtimeMs).toBe(built);

    gitIn(upstream, 'checkout', '-q', 'stable');
    writeFileSync(join(upstream, 'extra.c'), 'int extra(void) { return 1; }\n');
    gitIn(upstream, 'add', '-A');
    gitIn(upstream, 'commit', '-q', '-m', 'stable: one more file');
    await fetchTree(ctx, 'fake');
    const moved = await prepareFromRef(ctx, stable);
    expect(moved.identity).toBe(`fake@${gitIn(upstream, 'rev-parse', 'stable')}`);
    expect(moved.identity).not.toBe(first.identity);
    expect(statSync(moved.image).mtimeMs).toBeGreaterThan(built);
  });

  it('fetches a tag the mirror does not carry, once', async () => {
    const v1 = { name: 'v1', tree: 'fake', ref: 'v1' };
    const { ctx, upstream } = setup([v1]);
    const k = await prepareFromRef(ctx, v1);
    expect(k.commit?.sha).toBe(gitIn(upstream, 'rev-parse', 'v1^{commit}'));
  });

  it('a ref that exists nowhere stops the daemon at start-up, naming it', async () => {
    const { ctx } = setup([{ name: 'gone', tree: 'fake', ref: 'v9.9' }]);
    await expect(checkMatrixRefs(ctx)).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringMatching(/^matrix kernel gone: ref v9\.9 not found in /),
    });
  });
});
