import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { globMatch } from '../../blacklist/match.js';

/**
 * The BPF objects the veristat suite verifies: the top-level `*.bpf.o` of the selftests
 * output (no_alu32/ repeats the names) whose name, with or without `.bpf.o`, matches a
 * pattern. The patterns are the suite's `allow`, else the tree's veristat.cfg (copied next
 * to the objects by the selftests build), else every object. Expanded on the host, so no
 * guest shell ever globs.
 */
export function veristatObjects(selftestsDir: string | undefined, allow: string[]): string[] {
  if (!selftestsDir || !existsSync(selftestsDir)) return [];
  const patterns = allow.length ? allow : treeList(selftestsDir);
  return readdirSync(selftestsDir)
    .filter((f) => f.endsWith('.bpf.o'))
    .filter((f) => {
      if (!patterns.length) return true;
      const stem = f.slice(0, -'.bpf.o'.length);
      return patterns.some((p) => globMatch(f, p) || globMatch(stem, p));
    })
    .sort();
}

function treeList(dir: string): string[] {
  const cfg = join(dir, 'veristat.cfg');
  if (!existsSync(cfg)) return [];
  return readFileSync(cfg, 'utf8')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);
}
