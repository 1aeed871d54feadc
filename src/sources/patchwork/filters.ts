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
  if (config.delegates.length > 0 && !admittedDelegate(patches, config.delegates)) {
    return `delegate not in ${config.delegates.join(',')}`;
  }
  return undefined;
}

/** The first patch delegate named in `wanted`, by username or numeric id. */
function admittedDelegate(patches: PwPatch[], wanted: string[]): PwPatch['delegate'] | undefined {
  return patches
    .map((p) => p.delegate)
    .find((d) => d && (wanted.includes(d.username) || wanted.includes(String(d.id))));
}

/**
 * The series' delegate for routing: one the delegate filter admitted it on, else the
 * first patch's that has one (patches of one series are normally delegated together).
 */
export function seriesDelegate(patches: PwPatch[], wanted: string[] = []): string | undefined {
  const any = patches.find((p) => p.delegate)?.delegate;
  return (admittedDelegate(patches, wanted) ?? any)?.username;
}
