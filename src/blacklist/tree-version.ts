import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `6.1` from a source tree's top Makefile (VERSION = 6, PATCHLEVEL = 1): the version deny
 * list can be chosen before anything is built, e.g. for a baseline identity.
 */
export function treeKernelVersion(worktree: string): string | undefined {
  try {
    const make = readFileSync(join(worktree, 'Makefile'), 'utf8');
    const v = /^VERSION\s*=\s*(\d+)/m.exec(make)?.[1];
    const p = /^PATCHLEVEL\s*=\s*(\d+)/m.exec(make)?.[1];
    return v && p ? `${v}.${p}` : undefined;
  } catch {
    return undefined;
  }
}
