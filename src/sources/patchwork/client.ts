import { z } from 'zod';
import { PATCHWORK_URL_FORMS, patchworkApiUrl } from '../../config/sections/patchwork-url.js';
import { BotError } from '../../errors.js';
import { type Logger, registerSecret, silentLogger } from '../../log.js';
import { type HttpResponse, httpRequest } from '../http.js';

export interface PatchworkClientOptions {
  /**
   * `sources.patchwork.url` in any accepted form (https://host/, …/api/, …/api/1.3/);
   * normalised here to the API root, for the poller and the checks alike.
   */
  apiUrl: string;
  /** Absent: read-only (POSTs refused locally). */
  token?: string;
  timeoutMs: number;
  attempts?: number;
  backoffMs?: number;
  log?: Logger;
  /** Called for every HTTP request sent (retries included). */
  onRequest?: () => void;
}

export type Query = Record<string, string | number | string[] | undefined>;

export interface JsonPage<T> {
  data: T;
  /** Absolute URL of the next page (Link rel="next"), if any. */
  next?: string;
}

const announcedReadOnly = new Set<string>();

/**
 * A small Patchwork REST client with the real server's rules built in: every path
 * ends in `/` (otherwise a 301 that would turn a POST into a GET), redirects are never
 * followed, 403 is the auth failure (there are no 401s), non-JSON answers (Django's
 * HTML 500/404 pages) are errors, pagination follows `Link: rel="next"` verbatim.
 * GETs go without the token: reads are public and a stale token breaks them (403).
 */
export class PatchworkClient {
  readonly apiUrl: string;
  readonly readOnly: boolean;
  private readonly opts: PatchworkClientOptions;

  constructor(opts: PatchworkClientOptions) {
    const apiUrl = patchworkApiUrl(opts.apiUrl);
    if (!apiUrl) {
      throw new BotError(
        'CONFIG_INVALID',
        `sources.patchwork.url: not a Patchwork URL: use ${PATCHWORK_URL_FORMS}`,
      );
    }
    this.apiUrl = apiUrl;
    this.opts = opts;
    this.readOnly = !opts.token;
    registerSecret(opts.token);
    if (this.readOnly && !announcedReadOnly.has(this.apiUrl)) {
      announcedReadOnly.add(this.apiUrl);
      (opts.log ?? silentLogger).info(
        { apiUrl: this.apiUrl },
        'no Patchwork token: read-only, no checks will be posted',
      );
    }
  }

  /** `path` relative to the API root (or absolute), with the trailing slash enforced. */
  url(path: string, query: Query = {}): string {
    const u = new URL(path, this.apiUrl);
    if (!u.pathname.endsWith('/')) u.pathname += '/';
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined) continue;
      for (const one of Array.isArray(v) ? v : [v]) u.searchParams.append(k, String(one));
    }
    return u.toString();
  }

  async getJson<S extends z.ZodType>(
    path: string,
    schema: S,
    query: Query = {},
  ): Promise<JsonPage<z.infer<S>>> {
    const target =
      /^https?:/.test(path) && Object.keys(query).length === 0 ? path : this.url(path, query);
    const res = await this.send(target, { method: 'GET' });
    const data = parseJson(res, schema);
    return { data, next: nextLink(res.headers.get('link')) };
  }

  /** Every item of a paginated list, following rel="next" without rebuilding the query. */
  async getAll<S extends z.ZodType>(
    path: string,
    item: S,
    query: Query = {},
  ): Promise<z.infer<S>[]> {
    const out: z.infer<S>[] = [];
    let url: string | undefined = this.url(path, query);
    while (url) {
      const page: JsonPage<z.infer<S>[]> = await this.getJson(url, z.array(item));
      out.push(...page.data);
      url = page.next;
    }
    return out;
  }

  /** A non-API download such as an mbox (`/series/<id>/mbox/`), as bytes. */
  async getBytes(url: string): Promise<Buffer> {
    const res = await this.send(this.url(url), { method: 'GET' });
    return res.body;
  }

  /** POST JSON with the token. Never follows a redirect: a 3xx is an error. */
  async postJson<S extends z.ZodType>(path: string, body: unknown, schema: S): Promise<z.infer<S>> {
    if (!this.opts.token)
      throw new BotError('HTTP_AUTH', 'Patchwork is read-only: no token configured');
    const res = await this.send(this.url(path), {
      method: 'POST',
      headers: {
        Authorization: `Token ${this.opts.token}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify(body),
      // A POST that reached the server must not be repeated blindly: only
      // connection failures before an answer are worth a second try.
      attempts: 1,
    });
    return parseJson(res, schema);
  }

  private async send(
    url: string,
    init: {
      method: 'GET' | 'POST';
      headers?: Record<string, string>;
      body?: string;
      attempts?: number;
    },
  ): Promise<HttpResponse> {
    const res = await httpRequest(url, {
      method: init.method,
      headers: { Accept: 'application/json', ...init.headers },
      body: init.body,
      timeoutMs: this.opts.timeoutMs,
      attempts: init.attempts ?? this.opts.attempts,
      backoffMs: this.opts.backoffMs,
      log: this.opts.log,
      onRequest: this.opts.onRequest,
    });
    if (res.status >= 300) {
      throw new BotError(
        'HTTP_REJECTED',
        `${url}: HTTP ${res.status} redirect to ${res.headers.get('location')} not followed (fix the Patchwork URL)`,
      );
    }
    return res;
  }
}

function parseJson<S extends z.ZodType>(res: HttpResponse, schema: S): z.infer<S> {
  const type = res.headers.get('content-type') ?? '';
  if (!type.includes('json')) {
    throw new BotError('HTTP_BAD_RESPONSE', `${res.url}: expected JSON, got ${type || 'no type'}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(res.body.toString('utf8'));
  } catch (err) {
    throw new BotError('HTTP_BAD_RESPONSE', `${res.url}: invalid JSON`, { cause: err });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new BotError(
      'HTTP_BAD_RESPONSE',
      `${res.url}: unexpected shape: ${parsed.error.message.slice(0, 300)}`,
    );
  }
  return parsed.data;
}

/** The rel="next" URL of an RFC 5988 Link header. */
export function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,\s*(?=<)/)) {
    const m = /^<([^>]*)>\s*;\s*rel="?next"?/.exec(part.trim());
    if (m) return m[1];
  }
  return undefined;
}
