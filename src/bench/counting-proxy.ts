import { createServer, request } from 'node:http';

export interface CountingProxy {
  /** `target` with its origin replaced by the proxy's. */
  url: string;
  /** Requests forwarded so far. */
  count(): number;
  stop(): Promise<void>;
}

/**
 * A loopback reverse proxy in front of one HTTP server that counts what goes
 * through it: the bench's own count, independent of the client's `requests`.
 */
export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  let n = 0;
  const server = createServer((req, res) => {
    n++;
    const fwd = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    fwd.on('error', () => res.destroy());
    req.pipe(fwd);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}${upstream.pathname}${upstream.search}`,
    count: () => n,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
