import { BotError } from '../errors.js';
import type { Beat, StartReply } from './hub.js';
import type { RemoteResult } from './receive.js';

export type Answer<T> = T | { refused: string };

/**
 * A worker's line to its coordinator. Refusals (409) are answers, not errors: the
 * job is not this worker's. A bad token is HTTP_AUTH (the worker stops); anything
 * else is HTTP_FAILED, retryable.
 */
export function coordinatorClient(base: string, token: string, timeoutMs = 60_000) {
  async function call<T>(path: string, init: { body?: unknown; raw?: Buffer } = {}): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    let payload: string | Buffer | undefined;
    if (init.raw) {
      headers['content-type'] = 'application/octet-stream';
      payload = init.raw;
    } else if (init.body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(init.body);
    }
    let res: Response;
    try {
      res = await fetch(new URL(path, base), {
        method: payload === undefined ? 'GET' : 'POST',
        headers,
        body: payload,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new BotError('HTTP_FAILED', `coordinator ${path}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const text = await res.text();
    if (res.status === 401) throw new BotError('HTTP_AUTH', 'the coordinator refused our token');
    if (res.status !== 200 && res.status !== 409) {
      throw new BotError(
        'HTTP_FAILED',
        `coordinator ${path}: HTTP ${res.status} ${text.slice(0, 300)}`,
      );
    }
    return JSON.parse(text) as T;
  }
  const v1 = (p: string) => `/fleet/v1/${p}`;
  return {
    beat: (b: Beat) => call<{ cancel: number[] }>(v1('beat'), { body: b }),
    forbidden: () => call<{ flags: string[] }>(v1('forbidden')),
    start: (id: number, claim: number) =>
      call<Answer<StartReply>>(v1(`jobs/${id}/start`), { body: { claim } }),
    artifacts: (id: number, claim: number, tarball: Buffer) =>
      call<object>(v1(`jobs/${id}/artifacts?claim=${claim}`), { raw: tarball }),
    result: (id: number, r: RemoteResult) =>
      call<Answer<{ accepted: true }>>(v1(`jobs/${id}/result`), { body: r }),
    error: (id: number, f: { claim: number; code: string; message: string; retryable: boolean }) =>
      call<Answer<{ accepted: true }>>(v1(`jobs/${id}/error`), { body: f }),
    baselineClaim: (body: unknown) => call<unknown>(v1('baselines/claim'), { body }),
    baselineTests: (runId: number) => call<{ tests: unknown[] }>(v1(`baselines/${runId}/tests`)),
    baselineArtifacts: (runId: number, tarball: Buffer) =>
      call<object>(v1(`baselines/${runId}/artifacts`), { raw: tarball }),
    baselineFinish: (runId: number, end: unknown) =>
      call<Answer<{ accepted: true }>>(v1(`baselines/${runId}/finish`), { body: end }),
  };
}

export type CoordinatorClient = ReturnType<typeof coordinatorClient>;
