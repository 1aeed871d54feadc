import { existsSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AppContext } from '../../context.js';
import type { RunResult } from '../../exec/run.js';
import { type BuildTarget, selftestsDir } from './target.js';

/** Runs argv in the selftests' sandbox, its output to logName in the run's log dir. */
export type SandboxStep = (
  logName: string,
  argv: string[],
  onLine?: (line: string) => void,
) => Promise<RunResult>;

/**
 * Dumps vmlinux's BTF as C into a temp file and replaces bpfci-vmlinux.h only when
 * it declares other types (sameTypes). The selftests Makefile is then given this
 * file as both VMLINUX_H (what it copies to tools/include/vmlinux.h) and VMLINUX_BTF (that
 * rule's prerequisite): a relink that changed no BTF type (most series) leaves
 * every BPF object, skeleton and test object alone, where make would otherwise see
 * a newer vmlinux and rebuild all ~1000 of them (1-3 minutes).
 *
 * The dump uses the tree's own bootstrap bpftool, built first by its Makefile
 * target (`make`: the selftests make command and its variables), so the text is
 * what the Makefile itself would write. It runs in the sandbox because it is built
 * from the series. Undefined when the tree has no such target or the dump fails:
 * the Makefile's own rule applies then, as before.
 */
export async function stableHeader(
  ctx: AppContext,
  target: BuildTarget,
  vmlinux: string,
  make: string[],
  run: SandboxStep,
): Promise<string | undefined> {
  const out = selftestsDir(target);
  const bpftool = join(out, 'tools', 'sbin', 'bpftool');
  const built = await run('selftests-bpftool.log', [...make, bpftool]);
  if (built.exitCode !== 0 || !existsSync(bpftool)) {
    ctx.log.warn({ bpftool }, 'no bootstrap bpftool: vmlinux.h follows the Makefile rule');
    return undefined;
  }
  const header = join(out, 'bpfci-vmlinux.h');
  const fresh = `${header}.new`;
  // The script is ours; the paths arrive as $0..$2, so the shell parses none of them.
  const dump = await run('selftests-vmlinux-h.log', [
    'sh',
    '-c',
    'exec "$0" btf dump file "$1" format c > "$2"',
    bpftool,
    vmlinux,
    fresh,
  ]);
  if (dump.exitCode !== 0) {
    rmSync(fresh, { force: true });
    rmSync(header, { force: true });
    return undefined;
  }
  if (existsSync(header) && sameTypes(readFileSync(header, 'utf8'), readFileSync(fresh, 'utf8')))
    rmSync(fresh);
  else renameSync(fresh, header);
  return header;
}

/**
 * Whether two `bpftool btf dump format c` texts declare the same types. pahole 1.24
 * encodes with -j (6.1's pahole-flags.sh), so even a relink of the same source orders
 * the types differently: measured here, 78,901 diff lines between two dumps of one
 * tree. The order, the ___N suffixes bpftool gives duplicate names in that order, and
 * where forward declarations fall carry no type: compared without them, the two dumps
 * are equal. BPF objects built against either header are the same CO-RE programs.
 */
export function sameTypes(a: string, b: string): boolean {
  return canonical(a) === canonical(b);
}

const FORWARD = /^(struct|union|enum) \w+;$/;

function canonical(dump: string): string {
  return dump
    .replace(/___\d+\b/g, '')
    .split('\n\n')
    .filter((block) => !FORWARD.test(block.trim()))
    .sort()
    .join('\n\n');
}

/**
 * bpf_testmod.ko carries BTF split against vmlinux's, which pahole renumbers on every
 * relink: a module older than vmlinux is removed so the Makefile's rule rebuilds it
 * (its objects stay; kbuild only relinks and re-encodes the module's BTF).
 */
export function dropStaleTestmod(target: BuildTarget, vmlinux: string): void {
  const ko = join(selftestsDir(target), 'bpf_testmod.ko');
  if (!existsSync(ko) || !existsSync(vmlinux)) return;
  if (statSync(ko).mtimeMs <= statSync(vmlinux).mtimeMs) rmSync(ko);
}
