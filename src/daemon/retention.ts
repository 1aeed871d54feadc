import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AppContext } from '../context.js';
import type { DaemonDeps } from './deps.js';

const DAY_MS = 86_400_000;

/**
 * Removes the entries of `dir` last modified before `cutoff`. The status of every
 * run stays in the DB; only its artifacts (logs, consoles, kernels) go.
 */
export function pruneOlderThan(dir: string, cutoff: Date): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const path = join(dir, name);
    if (statSync(path).mtimeMs >= cutoff.getTime()) continue;
    rmSync(path, { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/** The retention pass: old run artifacts, then idle lanes (through their owner). */
export async function pruneState(ctx: AppContext, deps: DaemonDeps, now: Date): Promise<void> {
  const r = ctx.config.daemon.retention;
  const cutoff = new Date(now.getTime() - r.artifactDays * DAY_MS);
  const runs = pruneOlderThan(join(ctx.stateDir, 'runs'), cutoff);
  // A fleet's coordinator keeps what its workers sent home under fleet/<worker>/.
  const fleet = join(ctx.stateDir, 'fleet');
  const homed = subdirs(fleet).flatMap((w) => pruneOlderThan(join(fleet, w), cutoff));
  ctx.log.info({ removed: runs.length + homed.length }, 'retention: old run artifacts pruned');
  await deps.pruneLanes?.(ctx, r.idleLaneDays);
}

function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  } catch {
    return [];
  }
}
