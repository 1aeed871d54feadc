import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { majorMinor, parseListFileName } from '../../blacklist/files.js';
import { treeKernelVersion } from '../../blacklist/tree-version.js';
import type { Config } from '../../config/schema.js';
import type { AppContext } from '../../context.js';
import { laneDirs } from '../../lanes/lane.js';
import { kernelReleaseOf } from '../boot/kernel-release.js';
import { resolveMatrixRef } from './from-ref.js';

export interface MatrixProblem {
  level: 'error' | 'warning';
  /** The config key (`matrix.kernels[0].image`) or the list file it is about. */
  where: string;
  message: string;
}

/**
 * What `bpfci check-config` can tell about the older kernels without building
 * anything: each prebuilt entry's files, with the key path named; and lists that no
 * kernel uses (blacklists/matrix/<name>/ for no configured kernel, a version file for a
 * version no kernel bpfci knows of has).
 */
export function checkMatrix(config: Config, stateDir: string, blacklists: string): MatrixProblem[] {
  const out: MatrixProblem[] = [];
  const versions = new Set<string>();
  config.matrix.kernels.forEach((k, i) => {
    const key = (field: string) => `matrix.kernels[${i}].${field}`;
    if (!k.image) return;
    const missing = (field: string, path: string, what: string) => {
      const gone = !existsSync(path);
      if (gone)
        out.push({ level: 'error', where: key(field), message: `${path}: ${what} not found` });
      return gone;
    };
    if (!missing('image', k.image, 'kernel image')) {
      const release = statSync(k.image).isFile() ? kernelReleaseOf(k.image) : undefined;
      const v = majorMinor(release);
      if (v) versions.add(v);
      else
        out.push({
          level: 'error',
          where: key('image'),
          message: `${k.image}: not an x86 bzImage with a release string`,
        });
    }
    if (k.moduleBuildDir)
      missing(
        'moduleBuildDir',
        join(k.moduleBuildDir, 'Makefile'),
        'module build dir (its Makefile)',
      );
    if (k.btf) missing('btf', k.btf, 'BTF file');
    if (k.modulesDir) missing('modulesDir', join(k.modulesDir, 'modules.dep'), 'modules.dep');
  });
  return [...out, ...unusedLists(config, stateDir, blacklists, versions)];
}

function unusedLists(
  config: Config,
  stateDir: string,
  blacklists: string,
  versions: Set<string>,
): MatrixProblem[] {
  if (!existsSync(blacklists)) return [];
  const out: MatrixProblem[] = [];
  const names = new Set(config.matrix.kernels.map((k) => k.name));
  const perKernel = join(blacklists, 'matrix');
  for (const name of existsSync(perKernel) ? readdirSync(perKernel) : []) {
    if (!names.has(name))
      out.push({
        level: 'warning',
        where: join(perKernel, name),
        message: `no kernel in matrix.kernels is named "${name}": these lists apply nowhere`,
      });
  }
  // A version file may be for a tested tree too: warn only when every tree's version is known.
  const trees = Object.keys(config.trees).map((t) =>
    treeKernelVersion(laneDirs({ config, stateDir }, t).worktree),
  );
  if (trees.some((v) => v === undefined) || config.matrix.kernels.some((k) => !k.image)) return out;
  for (const v of trees) versions.add(v as string);
  for (const file of readdirSync(blacklists)) {
    const version = parseListFileName(file)?.version;
    if (version && !versions.has(version))
      out.push({
        level: 'warning',
        where: join(blacklists, file),
        message: `no tested tree or older kernel is ${version}: this list applies nowhere`,
      });
  }
  return out;
}

/** Every ref kernel's ref resolves (fetched when needed): checked when the daemon starts. */
export async function checkMatrixRefs(ctx: AppContext): Promise<void> {
  for (const k of ctx.config.matrix.kernels) if (k.ref) await resolveMatrixRef(ctx, k);
}
