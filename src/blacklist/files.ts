/**
 * Which list files apply to a run. Names follow BPF CI: `DENYLIST`, `DENYLIST.<qualifier>`
 * (an arch such as x86_64, or a suite such as test_progs) and, for the older-kernel matrix
 * of the 2020 libbpf CI, `DENYLIST-<major.minor>[.<qualifier>]` for one kernel version.
 * The same for ALLOWLIST.
 */

export type ListKind = 'deny' | 'allow';

export interface ListFileName {
  kind: ListKind;
  version?: string;
  qualifier?: string;
}

const NAME = /^(DENYLIST|ALLOWLIST)(?:-(\d+\.\d+))?(?:\.([A-Za-z0-9_-]+))?$/;

export function parseListFileName(name: string): ListFileName | undefined {
  const m = NAME.exec(name);
  if (!m) return undefined;
  const out: ListFileName = { kind: m[1] === 'DENYLIST' ? 'deny' : 'allow' };
  if (m[2]) out.version = m[2];
  if (m[3]) out.qualifier = m[3];
  return out;
}

/** `6.1` from a release such as `6.1.0-56-amd64` or `6.1.192-gd6918edadb31`. */
export function majorMinor(release: string | undefined): string | undefined {
  return release ? /^(\d+\.\d+)/.exec(release)?.[1] : undefined;
}

export interface ListScope {
  arch: string;
  kernelRelease?: string;
  suite?: string;
}

/** Qualifiers that name an architecture; any other qualifier names a suite. */
export const ARCHES = new Set(['x86_64', 'aarch64', 's390x', 'riscv64', 'ppc64le']);

/** The suite a file is for (`DENYLIST.test_maps`), undefined for arch and general files. */
export function suiteOf(file: ListFileName): string | undefined {
  return file.qualifier && !ARCHES.has(file.qualifier) ? file.qualifier : undefined;
}

/**
 * Whether a file applies to this kernel, arch and suite, in BPF CI's merge order. Without
 * a suite in the scope, every suite's files apply (each entry keeps its suite).
 */
export function appliesTo(file: ListFileName, scope: ListScope): boolean {
  if (file.version && file.version !== majorMinor(scope.kernelRelease)) return false;
  if (file.qualifier && ARCHES.has(file.qualifier)) return file.qualifier === scope.arch;
  const suite = suiteOf(file);
  return !suite || !scope.suite || suite === scope.suite;
}
