import { z } from 'zod';
import { PatchworkClient } from '../sources/patchwork/client.js';
import type { PatchworkAccess } from './patchwork-access.js';
import type { CheckPost, CheckState } from './types.js';

export interface LatestCheck {
  state: CheckState;
  target_url: string | null;
}

/** The two Patchwork calls reports need. An interface so tests and dry runs can stand in. */
export interface ChecksApi {
  /** The newest check of `context` on a patch (any user), or null. */
  latest(patchId: number, context: string): Promise<LatestCheck | null>;
  post(check: CheckPost): Promise<void>;
}

const CheckList = z.array(
  z.object({
    state: z.enum(['pending', 'success', 'warning', 'fail']),
    target_url: z.string().nullable(),
    context: z.string(),
  }),
);

/**
 * The checks calls on the sources' PatchworkClient, so both share the real server's
 * rules (trailing slashes, no redirects, 403 as the auth failure, JSON only). One
 * attempt per call: the outbox owns retries, with its own backoff across passes.
 */
export function createChecksClient(access: PatchworkAccess, timeoutMs: number): ChecksApi {
  const pw = new PatchworkClient({ ...access, timeoutMs, attempts: 1 });
  const checks = (patchId: number) => `patches/${patchId}/checks/`;
  return {
    async latest(patchId, context) {
      const query = { context, order: '-date', per_page: 1 };
      const { data } = await pw.getJson(checks(patchId), CheckList, query);
      const first = data[0];
      return first ? { state: first.state, target_url: first.target_url } : null;
    },
    async post({ patchId, ...body }) {
      await pw.postJson(checks(patchId), body, z.unknown());
    },
  };
}
