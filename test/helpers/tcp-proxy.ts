import { connect, createServer, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  /**
   * Cut the next session whose server→client bytes match `when` (checked per chunk,
   * on the text seen so far in that session): half of the matching chunk is
   * forwarded, then both sockets are destroyed — a connection dropped mid-response.
   */
  cutWhen(when: RegExp): void;
  /** Sessions cut so far. */
  cuts: number;
  stop(): Promise<void>;
}

/** A loopback TCP forwarder to `target` that can drop a connection mid-response. */
export async function startTcpProxy(
  targetPort: number,
  targetHost = '127.0.0.1',
): Promise<TcpProxy> {
  let pending: RegExp | undefined;
  const sockets = new Set<Socket>();
  const state = { cuts: 0 };
  const server = createServer((client) => {
    const upstream = connect(targetPort, targetHost);
    sockets.add(client);
    sockets.add(upstream);
    let seen = '';
    const kill = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (d) => upstream.write(d));
    upstream.on('data', (d: Buffer) => {
      seen += d.toString('latin1');
      if (pending?.test(seen)) {
        pending = undefined;
        state.cuts++;
        client.write(d.subarray(0, Math.floor(d.length / 2)), kill);
        return;
      }
      client.write(d);
    });
    for (const s of [client, upstream]) {
      s.on('error', kill);
      s.on('close', () => {
        sockets.delete(s);
        kill();
      });
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  return {
    port: typeof addr === 'object' && addr ? addr.port : 0,
    cutWhen(when) {
      pending = when;
    },
    get cuts() {
      return state.cuts;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
