import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { appliesTo, type ListKind, type ListScope, parseListFileName, suiteOf } from './files.js';
import { normalizePatterns } from './match.js';
import { type ListEntry, type ListProblem, parseList } from './parse.js';

export interface BlacklistRequest extends ListScope {
  /** bpfci's blacklists/ directory. */
  dir: string;
  /** tools/testing/selftests/bpf of the tested tree: its own DENYLIST* are merged in. */
  selftestsDir?: string;
  /**
   * Is this commit in the tested base? An entry `fixed-by: <commit>` expires when it is.
   * Unknown commits must answer false (the entry stays).
   */
  isAncestor?: (commit: string) => boolean | Promise<boolean>;
  /** An older kernel of the matrix: its own lists in <dir>/matrix/<name>/ apply too. */
  olderKernel?: string;
}

/** Where an older kernel's own lists live: blacklists/matrix/<name>/ (same file names). */
export function olderKernelListDir(dir: string, name: string): string {
  return join(dir, 'matrix', name);
}

/** An entry with what its file name scopes it to (DENYLIST.test_maps: suite test_maps). */
export type ScopedEntry = ListEntry & { kind: ListKind; suite?: string };

export interface Blacklist {
  /** Normalized patterns for test_progs -d / -a: the general files and the scope's suite. */
  deny: string[];
  allow: string[];
  /** Every entry still in force, with its metadata, file and suite. */
  entries: ScopedEntry[];
  /** Entries dropped because their fix is in the tested base. */
  expired: ListEntry[];
  files: string[];
  problems: ListProblem[];
}

export async function loadBlacklist(req: BlacklistRequest): Promise<Blacklist> {
  const out: Blacklist = { deny: [], allow: [], entries: [], expired: [], files: [], problems: [] };
  // The tree's lists first, ours after: the same order as BPF CI's run-vmtest.env; an
  // older kernel's own lists last, the most specific.
  const kernelDir = req.olderKernel ? olderKernelListDir(req.dir, req.olderKernel) : undefined;
  for (const dir of [req.selftestsDir, req.dir, kernelDir]) {
    for (const { path, kind, suite } of listFiles(dir, req)) {
      const parsed = parseList(readFileSync(path, 'utf8'), path);
      out.files.push(path);
      out.problems.push(...parsed.problems);
      for (const entry of parsed.entries) {
        if (entry.fixedBy && req.isAncestor && (await req.isAncestor(entry.fixedBy))) {
          out.expired.push(entry);
        } else {
          out.entries.push(suite ? { ...entry, kind, suite } : { ...entry, kind });
        }
      }
    }
  }
  const inScope = out.entries.filter((e) => !e.suite || e.suite === req.suite);
  out.deny = normalizePatterns(inScope.filter((e) => e.kind === 'deny'));
  out.allow = normalizePatterns(inScope.filter((e) => e.kind === 'allow'));
  return out;
}

function listFiles(
  dir: string | undefined,
  scope: ListScope,
): { path: string; kind: ListKind; suite?: string }[] {
  if (!dir || !existsSync(dir)) return [];
  return readdirSync(dir)
    .sort(byGenerality)
    .flatMap((name) => {
      const parsed = parseListFileName(name);
      if (!parsed || !appliesTo(parsed, scope)) return [];
      const suite = suiteOf(parsed);
      return [{ path: join(dir, name), kind: parsed.kind, ...(suite ? { suite } : {}) }];
    });
}

/** DENYLIST before DENYLIST.x86_64 before DENYLIST-6.1 before DENYLIST-6.1.x86_64. */
function byGenerality(a: string, b: string): number {
  const rank = (n: string): number => (n.includes('-') ? 2 : 0) + (n.includes('.') ? 1 : 0);
  return rank(a) - rank(b) || a.localeCompare(b);
}

/** Every problem in every list file of a directory, for `bpfci check-config`. */
export function validateBlacklistDir(dir: string): ListProblem[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    if (name === 'README.md' || name.startsWith('.')) return [];
    const path = join(dir, name);
    if (name === 'matrix' && statSync(path).isDirectory())
      return readdirSync(path).flatMap((k) => validateBlacklistDir(join(path, k)));
    if (!parseListFileName(name)) {
      return [
        { source: path, line: 0, message: 'not a list file name (DENYLIST[-X.Y][.qualifier])' },
      ];
    }
    return parseList(readFileSync(path, 'utf8'), path).problems;
  });
}
