import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MatrixKernel } from '../../config/sections/matrix.js';
import type { AppContext } from '../../context.js';
import { BotError } from '../../errors.js';
import { laneDirs } from '../../lanes/lane.js';
import { resetWorktree } from '../../lanes/reset.js';
import { ensureWorktree } from '../../lanes/worktree.js';
import { git, resolveCommit } from '../../trees/git.js';
import { ensureMirror } from '../../trees/mirror.js';
import { treeInfo } from '../../trees/tree-config.js';
import { kernelReleaseOf } from '../boot/kernel-release.js';
import { buildKernel } from '../build/kernel.js';
import { type BuildTarget, kernelImagePath, vmlinuxPath } from '../build/target.js';
import type { OlderKernel } from './kernel.js';

/**
 * An older kernel from a git ref of a configured tree (`v6.6`, `linux-6.6.y`), built
 * once with the selftests profile in <state>/matrix/<name>/ and again only when the ref
 * names another commit. The build dir is the module build dir and holds the vmlinux, so
 * nothing needs unpacking. Kept like a lane: same dirs every time, ccache shared.
 */
export async function prepareFromRef(ctx: AppContext, k: MatrixKernel): Promise<OlderKernel> {
  const sha = await resolveMatrixRef(ctx, k);
  const root = join(ctx.stateDir, 'matrix', k.name);
  const target: BuildTarget = {
    srcDir: join(root, 'src'),
    buildDir: join(root, 'build'),
    ccacheDir: laneDirs(ctx, k.tree as string).ccacheDir,
  };
  const stamp = join(root, 'built-commit');
  const built = existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : undefined;
  if (built !== sha || !existsSync(kernelImagePath(target))) {
    const t = treeInfo(ctx, k.tree as string);
    mkdirSync(target.buildDir, { recursive: true });
    await ensureWorktree(t.mirror, target.srcDir, sha, ctx.log);
    await resetWorktree(target.srcDir, sha);
    ctx.log.info({ kernel: k.name, ref: k.ref, sha }, 'building an older kernel of the matrix');
    const r = await buildKernel(ctx, target, {
      profile: 'selftests',
      logDir: join(root, 'logs'),
      baseSha: sha,
    });
    if (r.status !== 'pass') {
      const why = r.firstError?.message ?? r.status;
      throw new BotError(
        'KERNEL_UNUSABLE',
        `matrix kernel ${k.name}: ${k.ref} does not build: ${why}`,
      );
    }
    writeFileSync(stamp, `${sha}\n`);
  }
  const image = kernelImagePath(target);
  const release = kernelReleaseOf(image);
  if (!release)
    throw new BotError('KERNEL_UNUSABLE', `matrix kernel ${k.name}: no release in ${image}`);
  return {
    name: k.name,
    image,
    release,
    vmlinux: vmlinuxPath(target),
    moduleBuildDir: target.buildDir,
    identity: `${k.tree}@${sha}`,
    commit: { repo: treeInfo(ctx, k.tree as string).mirror, sha },
  };
}

/**
 * The commit a ref kernel's ref names: from the mirror, else fetched from the tree's
 * upstream (mirrors carry branches, not tags). A ref that exists nowhere is a config
 * error, so the daemon checks every one at start-up (checkMatrixRefs).
 */
export async function resolveMatrixRef(ctx: AppContext, k: MatrixKernel): Promise<string> {
  const t = treeInfo(ctx, k.tree as string);
  await ensureMirror(ctx, t);
  const ref = k.ref as string;
  const local = `refs/bpfci-matrix/${k.name}`;
  // A branch of the tree moves with the tree's fetches; any other ref is fetched once.
  const known = (await resolveCommit(t.mirror, ref)) ?? (await resolveCommit(t.mirror, local));
  if (known) return known;
  const r = await git(
    t.mirror,
    ['fetch', '--no-tags', '--quiet', '--end-of-options', t.source, `+${ref}:${local}`],
    { timeoutMs: t.fetchTimeoutSeconds * 1000 },
  );
  const fetched = r.ok ? await resolveCommit(t.mirror, local) : undefined;
  if (!fetched)
    throw new BotError(
      'CONFIG_INVALID',
      `matrix kernel ${k.name}: ref ${ref} not found in ${t.source}`,
    );
  return fetched;
}
