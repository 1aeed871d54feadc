import type { z } from 'zod';
import type { PatchworkSource } from '../../config/sections/sources.js';
import type { PwPatch, PwSeries } from './schema.js';

/**
 * Why a Patchwork series is not for us, or undefined when it is. A series is
 * skipped when it belongs to another project, when every patch is in an ignored
 * state (superseded, accepted…), or when a delegate filter is set and no patch is
 * delegated to one of those users (by username or numeric id).
 */
export function filterSeries(
  series: PwSeries,
  patches: PwPatch[],
  config: Pick<z.infer<typeof PatchworkSource>, 'project' | 'ignoreStates' | 'delegates'>,
): string | undefined {
  const project = config.project.toLowerCase();
  if (
    series.project.link_name.toLowerCase() !== project &&
    String(series.project.id) !== config.project
  ) {
    return `project ${series.project.link_name} is not ${config.project}`;
  }
  if (!series.received_all) return 'incomplete';
  if (patches.length > 0 && patches.every((p) => config.ignoreStates.includes(p.state))) {
    return `state ${[...new Set(patches.map((p) => p.state))].join(',')} is ignored`;
  }
  if (config.delegates.length > 0) {
    const wanted = new Set(config.delegates);
    const hit = patches.some(
      (p) => p.delegate && (wanted.has(p.delegate.username) || wanted.has(String(p.delegate.id))),
    );
    if (!hit) return `delegate not in ${config.delegates.join(',')}`;
  }
  return undefined;
}

/**
 * The series' delegate for routing: one the delegate filter admitted it on, else the
 * first patch's that has one (patches of one series are normally delegated together).
 */
export function seriesDelegate(patches: PwPatch[], wanted: string[] = []): string | undefined {
  const delegates = patches.flatMap((p) => (p.delegate ? [p.delegate] : []));
  const admitted = delegates.find(
    (d) => wanted.includes(d.username) || wanted.includes(String(d.id)),
  );
  return (admitted ?? delegates[0])?.username;
}
