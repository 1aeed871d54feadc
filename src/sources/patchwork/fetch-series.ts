import type { z } from 'zod';
import type { PatchworkSource } from '../../config/sections/sources.js';
import type { SourceContext } from '../types.js';
import { PatchworkClient } from './client.js';
import { PwSeries } from './schema.js';
import { storePatchworkSeries } from './store-series.js';

/** Fetches one Patchwork series by id into the store (`bpfci test <series-id>`). */
export async function fetchPatchworkSeries(
  ctx: SourceContext,
  config: z.infer<typeof PatchworkSource>,
  seriesId: number,
): Promise<number> {
  const client = new PatchworkClient({
    apiUrl: config.url,
    timeoutMs: config.timeoutSeconds * 1000,
    attempts: config.attempts,
    log: ctx.log,
  });
  const { data } = await client.getJson(`series/${seriesId}/`, PwSeries);
  return (await storePatchworkSeries(ctx, client, data, 'patchwork')).storeId;
}
