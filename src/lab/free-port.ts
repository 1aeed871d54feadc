import { createServer } from 'node:net';

/**
 * A loopback port that was free a moment ago (bind :0, read, close). Dovecot needs a
 * fixed port in its config (0 means "disabled"), so there is a small race: callers
 * retry with another port if the server then fails to bind.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
