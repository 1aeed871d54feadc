import { BotError, errorMessage } from '../errors.js';
import type { Logger } from '../log.js';

export interface HttpOptions {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** Attempts in total (first try included) for 5xx, 429, timeouts and connection resets. */
  attempts?: number;
  /** First backoff step; doubles each retry, ±50 % jitter. */
  backoffMs?: number;
  /** Statuses that are answers, not failures (e.g. 404 for "no such message"). */
  accept?: number[];
  log?: Logger;
  /** Called once per request actually sent (retries included): tests count these. */
  onRequest?: () => void;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: Buffer;
  url: string;
}

/** Jittered exponential backoff: base·2^(n-1) scaled by 0.5–1.5 so pollers do not align. */
export function backoffDelay(retry: number, baseMs: number, random = Math.random): number {
  return Math.round(baseMs * 2 ** Math.max(0, retry - 1) * (0.5 + random()));
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * One HTTP exchange, fully read (a reset mid-body is a failure like any other), with a
 * timeout on the whole exchange and retries only for what retrying can fix: 5xx,
 * timeouts, 429 and connection errors. Redirects are never followed: a 3xx is returned
 * to the caller (Patchwork turns a followed POST into a GET and silently drops it).
 * Any other status not in `accept` is an error: 401/403 → HTTP_AUTH, another 4xx →
 * HTTP_REJECTED (asking again cannot help), 5xx/429 → HTTP_FAILED once attempts run out.
 */
export async function httpRequest(url: string, opts: HttpOptions): Promise<HttpResponse> {
  const attempts = opts.attempts ?? 4;
  let lastErr: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await sleep(backoffDelay(attempt - 1, opts.backoffMs ?? 500));
    opts.onRequest?.();
    let res: Response;
    let body: Buffer;
    try {
      res = await fetch(url, {
        method: opts.method ?? 'GET',
        headers: opts.headers,
        body: opts.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
      body = Buffer.from(await res.arrayBuffer());
    } catch (err) {
      lastErr = new BotError('HTTP_FAILED', `${url}: ${describe(err)}`, { cause: err });
      opts.log?.warn({ url, attempt, err: describe(err) }, 'http request failed');
      continue;
    }
    const ok = (res.status >= 200 && res.status < 400) || opts.accept?.includes(res.status);
    if (ok) return { status: res.status, headers: res.headers, body, url };
    if (res.status === 403 || res.status === 401) {
      throw new BotError('HTTP_AUTH', `${url}: ${res.status} ${snippet(body)}`);
    }
    const what = `${url}: HTTP ${res.status} ${snippet(body)}`;
    if (res.status < 500 && res.status !== 429) throw new BotError('HTTP_REJECTED', what);
    lastErr = new BotError('HTTP_FAILED', what);
    opts.log?.warn({ url, attempt, status: res.status }, 'http server error');
  }
  throw lastErr;
}

function describe(err: unknown): string {
  if (err instanceof Error && err.name === 'TimeoutError') return 'timed out';
  const cause = err instanceof Error ? (err.cause as { code?: string } | undefined) : undefined;
  return cause?.code ? `${errorMessage(err)} (${cause.code})` : errorMessage(err);
}

function snippet(body: Buffer): string {
  return body.subarray(0, 200).toString('utf8').replace(/\s+/g, ' ').trim();
}
