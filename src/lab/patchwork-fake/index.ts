import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { type AddedSeries, type AddSeriesInput, addSeries } from './add-series.js';
import type { CheckPostRecord } from './checks.js';
import { type FakeCheck, type Model, seedModel } from './model.js';
import { type FakeRequest, route } from './routes.js';

export type { AddedSeries, AddSeriesInput } from './add-series.js';
export type { CheckPostRecord } from './checks.js';

/**
 * A fault for the next matching request(s):
 * - status: answer with that status (HTML body, like a proxy or Django error page);
 * - hang: accept and never answer (client timeout);
 * - reset: send the headers and half the real body, then destroy the socket;
 * - garbage: 200 with `body` (default: broken JSON) instead of the real answer.
 */
export type Fault =
  | { kind: 'status'; status: number }
  | { kind: 'hang' }
  | { kind: 'reset' }
  | { kind: 'garbage'; body?: string; contentType?: string };

export interface PatchworkFake {
  /** `http://127.0.0.1:PORT` */
  base: string;
  /** API root for the source config: `http://127.0.0.1:PORT/api/1.2/` */
  apiUrl: string;
  /** A valid token of `ci-bot` (a maintainer): `Authorization: Token <token>`. */
  token: string;
  /** The daemon's `sources.patchwork` for this fake, its token in env var PW_TOKEN. */
  sourceConfig: { url: string; project: string; tokenEnv: string; intervalSeconds: number };
  /** A valid token of `outsider` (not a maintainer: POSTs get 403). */
  outsiderToken: string;
  /** Every request received, in order (faulted ones included). */
  requests: FakeRequest[];
  /** Every POST to a checks URL: exact body, content type, status answered. */
  checkPosts: CheckPostRecord[];
  model: Model;
  addSeries(input: AddSeriesInput): AddedSeries;
  setPatchState(patchId: number, state: string): void;
  checksOf(patchId: number): FakeCheck[];
  /** Queue `fault` for the next `times` requests whose path+query matches `match`. */
  fault(fault: Fault, opts?: { times?: number; match?: RegExp }): void;
  /** Down: every connection is reset at once, until set back to false. */
  setDown(down: boolean): void;
  stop(): Promise<void>;
}

export interface PatchworkFakeOptions {
  /** 'recorded' (default): the lab server's final state; 'empty': project and users only. */
  seed?: 'recorded' | 'empty';
}

interface QueuedFault {
  fault: Fault;
  left: number;
  match?: RegExp;
}

/**
 * A loopback HTTP server that behaves like the real Patchwork v3.1.3 recorded in
 * shared/fixtures/patchwork: recorded objects and mboxes, 301 for a missing trailing
 * slash (POST too), 403 for a bad token (GETs too), 404 past the last page, Link
 * headers, naive dates (a `Z` gives a 500), silent `200 []` for bad filters, checks
 * GET/POST with the combined `check` field, plus fault injection for tests.
 */
export async function startPatchworkFake(
  options: PatchworkFakeOptions = {},
): Promise<PatchworkFake> {
  const sockets = new Set<Socket>();
  const faults: QueuedFault[] = [];
  const requests: FakeRequest[] = [];
  const checkPosts: CheckPostRecord[] = [];
  const auth = {
    tokens: new Map([
      ['2'.repeat(40), 'ci-bot'],
      ['3'.repeat(40), 'outsider'],
      ['1'.repeat(40), 'admin'],
    ]),
    maintainers: new Set(['admin', 'ci-bot']),
  };
  let down = false;
  let model: Model = seedModel('http://127.0.0.1:0', 'empty');

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const fr: FakeRequest = {
        method: req.method ?? 'GET',
        url: new URL(req.url ?? '/', model.base),
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      requests.push(fr);
      const target = fr.url.pathname + fr.url.search;
      const i = faults.findIndex((f) => !f.match || f.match.test(target));
      const queued = i >= 0 ? faults[i] : undefined;
      if (queued) {
        queued.left -= 1;
        if (queued.left <= 0) faults.splice(i, 1);
        applyFault(queued.fault, fr, res);
        return;
      }
      const post = route(model, auth, fr, res);
      if (post) checkPosts.push(post);
    });
  });

  function applyFault(fault: Fault, fr: FakeRequest, res: ServerResponse): void {
    if (fault.kind === 'hang') return;
    if (fault.kind === 'status') {
      const body = `<html><body><h1>${fault.status}</h1></body></html>`;
      res.writeHead(fault.status, { 'Content-Type': 'text/html', 'Content-Length': body.length });
      res.end(body);
      return;
    }
    if (fault.kind === 'garbage') {
      const body = fault.body ?? '[{"id": 1, "category": "series-comp';
      res.writeHead(200, { 'Content-Type': fault.contentType ?? 'application/json' });
      res.end(body);
      return;
    }
    // reset: produce the real answer, then cut it in the middle of the body.
    const sink = new PartialResponse(res);
    route(model, auth, fr, sink as unknown as ServerResponse);
  }

  server.on('connection', (s: Socket) => {
    if (down) {
      s.destroy();
      return;
    }
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const base = `http://127.0.0.1:${port}`;
  model = seedModel(base, options.seed ?? 'recorded');

  return {
    base,
    apiUrl: `${base}/api/1.2/`,
    sourceConfig: {
      url: `${base}/api/1.2/`,
      project: 'netdevbpf',
      tokenEnv: 'PW_TOKEN',
      intervalSeconds: 1,
    },
    token: '2'.repeat(40),
    outsiderToken: '3'.repeat(40),
    requests,
    checkPosts,
    get model() {
      return model;
    },
    addSeries: (input) => addSeries(model, input),
    setPatchState(patchId, state) {
      const p = model.patches.get(patchId);
      if (!p) throw new Error(`no patch ${patchId}`);
      p.state = state;
    },
    checksOf: (patchId) => model.checks.get(patchId) ?? [],
    fault(fault, opts = {}) {
      faults.push({ fault, left: opts.times ?? 1, match: opts.match });
    },
    setDown(value) {
      down = value;
      if (value) for (const s of sockets) s.destroy();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Collects a response, then writes its headers and half its body and kills the socket. */
class PartialResponse {
  private status = 200;
  private headers: Record<string, string | number> = {};
  constructor(private readonly res: ServerResponse) {}
  writeHead(status: number, headers: Record<string, string | number> = {}): this {
    this.status = status;
    this.headers = headers;
    return this;
  }
  end(body?: string): void {
    const text = body ?? '';
    this.res.writeHead(this.status, { ...this.headers, 'Content-Length': Buffer.byteLength(text) });
    this.res.write(text.slice(0, Math.floor(text.length / 2)), () => {
      this.res.socket?.destroy();
    });
  }
}
