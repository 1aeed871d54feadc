import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppContext } from '../context.js';
import { html } from './html.js';
import { page } from './layout.js';
import { type Reply, ROUTES } from './routes.js';

// No script may run on these pages, whatever a subject or a log line contains, and
// no other site may frame them (clickjacking): frame-ancestors for current browsers,
// X-Frame-Options for those that predate it.
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, ...SECURITY_HEADERS });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function answer(res: ServerResponse, reply: Reply): void {
  if (reply.kind === 'html') send(res, 200, 'text/html; charset=utf-8', reply.body.value);
  else if (reply.kind === 'json') {
    send(res, 200, 'application/json; charset=utf-8', JSON.stringify(reply.body, null, 1));
  } else if (reply.kind === 'text') {
    send(res, 200, reply.contentType ?? 'text/plain; charset=utf-8', reply.body);
  } else {
    send(res, 404, 'text/html; charset=utf-8', page('Not found', html`<h1>Not found</h1>`).value);
  }
}

/** The request handler: read-only (GET and HEAD), one route per URL, errors become 500s. */
export function handleRequest(ctx: AppContext, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', ...SECURITY_HEADERS }).end();
    return;
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  try {
    for (const route of ROUTES) {
      const m = url.pathname.match(route.pattern);
      if (m) {
        answer(res, route.handle(ctx, m, url.searchParams));
        return;
      }
    }
    answer(res, { kind: 'not-found' });
  } catch (err) {
    ctx.log.error({ err, path: url.pathname }, 'web request failed');
    send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
  }
}

export interface WebServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** Starts the status page on host:port (127.0.0.1 by default; port 0 picks a free one). */
export async function startWebServer(
  ctx: AppContext,
  host: string,
  port: number,
): Promise<WebServer> {
  const server = createServer((req, res) => handleRequest(ctx, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const addr = server.address() as AddressInfo;
  const url = `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
  ctx.log.info({ url }, 'web page listening');
  return {
    server,
    url,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
