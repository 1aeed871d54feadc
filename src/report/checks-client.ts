import { z } from 'zod';
import { BotError } from '../errors.js';
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
 * A minimal Patchwork checks client: `fetch`, JSON, trailing slashes, and POSTs that
 * never follow a redirect (a 301 to the slash-less URL would turn into a GET and
 * lose the check silently). GETs go without the token: reads are public and a
 * stale token turns even reads into 403s.
 */
export function createChecksClient(access: PatchworkAccess, timeoutMs: number): ChecksApi {
  const checksUrl = (patchId: number) => `${access.apiUrl}patches/${patchId}/checks/`;
  return {
    async latest(patchId, context) {
      const q = new URLSearchParams({ context, order: '-date', per_page: '1' });
      const res = await request(
        `${checksUrl(patchId)}?${q}`,
        { method: 'GET', redirect: 'error' },
        timeoutMs,
      );
      const body = await json(res);
      const parsed = CheckList.safeParse(body);
      if (!parsed.success)
        throw new BotError('HTTP_BAD_RESPONSE', `Patchwork checks list: ${parsed.error.message}`);
      const first = parsed.data[0];
      return first ? { state: first.state, target_url: first.target_url } : null;
    },
    async post(check) {
      if (!access.token) throw new BotError('HTTP_AUTH', 'read-only: no Patchwork token');
      const { patchId, ...body } = check;
      await request(
        checksUrl(patchId),
        {
          method: 'POST',
          redirect: 'manual',
          headers: { Authorization: `Token ${access.token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        },
        timeoutMs,
      );
    },
  };
}

async function request(url: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, {
      ...init,
      headers: { Accept: 'application/json', ...init.headers },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new BotError('HTTP_FAILED', `${init.method} ${url}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (res.ok) return res;
  const detail = (await res.text().catch(() => '')).slice(0, 300).replace(/\s+/g, ' ');
  const what = `${init.method} ${url}: ${res.status} ${detail}`;
  if (res.status >= 300 && res.status < 400) {
    throw new BotError(
      'HTTP_REJECTED',
      `${what} (redirected to ${res.headers.get('location')}; fix the Patchwork URL)`,
    );
  }
  if (res.status === 401 || res.status === 403) throw new BotError('HTTP_AUTH', what);
  if (res.status >= 500 || res.status === 429) throw new BotError('HTTP_FAILED', what);
  throw new BotError('HTTP_REJECTED', what);
}

async function json(res: Response): Promise<unknown> {
  const type = res.headers.get('content-type') ?? '';
  if (!type.includes('application/json')) {
    throw new BotError(
      'HTTP_BAD_RESPONSE',
      `expected JSON from Patchwork, got ${type || 'no content type'}`,
    );
  }
  return res.json();
}
