import { existsSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AppContext } from '../../context.js';
import type { RunResult } from '../../exec/run.js';
import { type BuildTarget, vmlinuxPath } from './target.js';

/** Runs one step in the selftests' sandbox: (log name, program, args). */
export type SandboxStep = (name: string, program: string, args: string[]) => Promise<RunResult>;

/** Our copy of vmlinux.h, outside the Makefile's reach; its mtime moves only when its text does. */
export function headerPath(out: string): string {
  return join(out, 'bpfci-vmlinux.h');
}

/**
 * Dumps vmlinux's BTF as C into a temp file and replaces bpfci-vmlinux.h only when
 * the text differs. The selftests Makefile is then given this file as both
 * VMLINUX_H (what to copy to tools/include/vmlinux.h) and VMLINUX_BTF (the rule's
 * prerequisite): a relink that changed no BTF type (most series) leaves every BPF
 * object, skeleton and test object alone, where make would otherwise see a newer
 * vmlinux and rebuild all ~1000 of them (1-3 minutes).
 *
 * The dump uses the tree's own bootstrap bpftool (what the Makefile itself would
 * run, so the text is the same), built by its Makefile target first; it runs in the
 * sandbox because it is built from the series. Returns undefined when the tree has
 * no such target (then the Makefile's own rule applies, as before).
 */
export async function stableHeader(
  ctx: AppContext,
  target: BuildTarget,
  out: string,
  step: SandboxStep,
): Promise<string | undefined> {
  const bpftool = join(out, 'tools', 'sbin', 'bpftool');
  const built = await step('bpftool', 'make', [
    `OUTPUT=${out}`,
    `VMLINUX_BTF=${vmlinuxPath(target)}`,
    bpftool,
  ]);
  if (built.exitCode !== 0 || !existsSync(bpftool)) {
    ctx.log.warn({ bpftool }, 'no bootstrap bpftool: vmlinux.h follows the Makefile rule');
    return undefined;
  }
  const header = headerPath(out);
  const fresh = `${header}.new`;
  // The script is ours; the paths arrive as $0..$2, so nothing is parsed by the shell.
  const dump = await step('vmlinux-h', 'sh', [
    '-c',
    'exec "$0" btf dump file "$1" format c > "$2"',
    bpftool,
    vmlinuxPath(target),
    fresh,
  ]);
  if (dump.exitCode !== 0 || !existsSync(fresh)) {
    rmSync(fresh, { force: true });
    rmSync(header, { force: true });
    return undefined;
  }
  if (existsSync(header) && readFileSync(header).equals(readFileSync(fresh))) {
    rmSync(fresh);
  } else {
    renameSync(fresh, header);
  }
  return header;
}

/**
 * bpf_testmod.ko carries BTF split against vmlinux's, which pahole renumbers on every
 * relink: a module older than vmlinux is removed so the Makefile's rule rebuilds it
 * (its objects stay; kbuild only relinks and re-encodes the module's BTF).
 */
export function dropStaleTestmod(target: BuildTarget, out: string): void {
  const ko = join(out, 'bpf_testmod.ko');
  const vmlinux = vmlinuxPath(target);
  if (!existsSync(ko) || !existsSync(vmlinux)) return;
  if (statSync(ko).mtimeMs <= statSync(vmlinux).mtimeMs) rmSync(ko);
}
