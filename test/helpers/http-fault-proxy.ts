import { createServer, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Fault } from './patchwork-fake/index.js';

export interface HttpFaultProxy {
  /** `http://127.0.0.1:PORT` — same paths as the target. */
  base: string;
  /** Requests seen (path + query), faulted ones included. */
  requests: string[];
  /** Queue `fault` for the next `times` requests whose path+query matches `match`. */
  fault(fault: Fault, opts?: { times?: number; match?: RegExp }): void;
  stop(): Promise<void>;
}

/**
 * An HTTP forwarder in front of a real server (public-inbox-httpd) that injects the
 * same faults as the Patchwork fake: an error status, a hang, a reset mid-body, or
 * a garbage body. Headers and bodies otherwise pass through unchanged (gzip stays gzip).
 */
export async function startHttpFaultProxy(target: string): Promise<HttpFaultProxy> {
  const faults: { fault: Fault; left: number; match?: RegExp }[] = [];
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer(async (req, res) => {
    const path = req.url ?? '/';
    requests.push(path);
    const i = faults.findIndex((f) => !f.match || f.match.test(path));
    const queued = i >= 0 ? faults[i] : undefined;
    if (queued && --queued.left <= 0) faults.splice(i, 1);
    const fault = queued?.fault;
    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'status')
      return send(res, fault.status, 'text/html', `<h1>${fault.status}</h1>`);
    if (fault?.kind === 'garbage') {
      return send(
        res,
        200,
        fault.contentType ?? 'application/atom+xml',
        fault.body ?? '<feed><entry><ti',
      );
    }
    const up = await fetch(new URL(path, target), { headers: { 'accept-encoding': 'identity' } });
    const body = Buffer.from(await up.arrayBuffer());
    res.writeHead(up.status, {
      'Content-Type': up.headers.get('content-type') ?? 'application/octet-stream',
      'Content-Length': body.length,
    });
    if (fault?.kind === 'reset') {
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
      return;
    }
    res.end(body);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    fault(fault, opts = {}) {
      faults.push({ fault, left: opts.times ?? 1, match: opts.match });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
