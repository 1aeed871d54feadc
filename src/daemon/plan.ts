import type { Config } from '../config/schema.js';

export interface SeriesFacts {
  total: number;
  treeTag: string | null;
}

/**
 * The lane a series is queued on: the tree its subject tag routes to, else the
 * routing default. Apply may still pick another base (base-commit:, fallback);
 * the lane only schedules, the lanes module's lock is what guards the worktree.
 */
export function laneFor(config: Config, series: SeriesFacts): string {
  const routing = config.routing;
  const tag = series.treeTag ?? undefined;
  if (routing && tag && routing.tags[tag]) return routing.tags[tag];
  if (tag && config.trees[tag]) return tag;
  return routing?.default ?? Object.keys(config.trees)[0] ?? 'default';
}

/** Smaller runs first. smallest-first: the patch count; both orders break ties FIFO. */
export function priorityFor(config: Config, series: SeriesFacts, lane: string): number {
  const p = config.daemon.priority;
  const size = p.order === 'smallest-first' ? series.total : 0;
  return size + (p.trees[lane] ?? 0);
}
