import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { BotError } from '../errors.js';
import type { Hub } from './hub.js';
import { RemoteResult } from './receive.js';

const JSON_LIMIT = 64 * 1024 * 1024;

const Beat = z.object({
  trees: z.array(z.string().max(100)).max(100),
  accepting: z.boolean(),
  slots: z.number().int().min(1).max(64),
  jobs: z.array(z.object({ id: z.number().int(), claim: z.number().int() })).max(64),
});
const Claim = z.object({ claim: z.number().int() });
const Failure = z.object({
  claim: z.number().int(),
  code: z.string().max(64),
  message: z.string().max(4000),
  retryable: z.boolean(),
});
const BaselineClaim = z.object({
  key: z.string().regex(/^[0-9a-f]{64}$/),
  inputs: z.object({
    tree: z.string(),
    baseSha: z.string(),
    configHash: z.string(),
    toolchain: z.string(),
    suites: z.array(z.string()),
  }),
  staleMs: z.number().int().positive(),
});
const BaselineEnd = z.object({
  status: z.enum(['done', 'infra', 'cancelled', 'error']),
  tests: RemoteResult.shape.runs.element.shape.tests.optional(),
});

/** Who a bearer token belongs to, compared in constant time over digests. */
function authenticate(ctx: AppContext, req: IncomingMessage): string | undefined {
  const header = req.headers.authorization ?? '';
  const token = /^Bearer (\S+)$/.exec(header)?.[1];
  if (!token) return undefined;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  const given = digest(token);
  for (const w of ctx.config.fleet?.workers ?? []) {
    const secret = process.env[w.tokenEnv];
    if (secret && timingSafeEqual(digest(secret), given)) return w.name;
  }
  return undefined;
}

async function body(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BotError('HTTP_REJECTED', `request body over ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

const json = async <T>(req: IncomingMessage, schema: z.ZodType<T>): Promise<T> => {
  const parsed = schema.safeParse(JSON.parse((await body(req, JSON_LIMIT)).toString() || '{}'));
  if (!parsed.success) throw new BotError('HTTP_REJECTED', z.prettifyError(parsed.error));
  return parsed.data;
};

function reply(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

export interface FleetApi {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/**
 * The coordinator's API for its workers (over HTTP; put TLS in front of it across
 * hosts, as deploy/README.md shows). Every request names its worker by its token; a
 * refusal is a 409 with the reason, a bad token a 401, bad input a 400.
 */
export async function startFleetApi(ctx: AppContext, hub: Hub): Promise<FleetApi> {
  const maxUpload = (ctx.config.fleet?.coordinator.maxUploadMb ?? 512) * 1024 * 1024;
  // Artifacts arrive just before the result or the baseline they belong to.
  const staged = new Map<string, Buffer>();

  async function route(name: string, req: IncomingMessage, res: ServerResponse, path: string) {
    const m =
      /^\/fleet\/v1\/(beat|forbidden|jobs\/(\d+)\/(start|artifacts|result|error)|baselines\/(claim|(\d+)\/(tests|artifacts|finish)))$/.exec(
        path,
      );
    if (!m) return reply(res, 404, { error: 'no such endpoint' });
    const jobId = m[2] ? Number(m[2]) : undefined;
    const runId = m[5] ? Number(m[5]) : undefined;
    const answer = (r: object) => reply(res, 'refused' in r ? 409 : 200, r);
    if (m[1] === 'beat') return answer(hub.beat(name, await json(req, Beat)));
    if (m[1] === 'forbidden') return answer({ flags: hub.forbidden(name) });
    if (jobId !== undefined && m[3] === 'start') {
      return answer(hub.start(name, jobId, (await json(req, Claim)).claim));
    }
    if (jobId !== undefined && m[3] === 'artifacts') {
      const claim = Number(new URL(req.url ?? '', 'http://x').searchParams.get('claim'));
      staged.set(`${name}/job/${jobId}/${claim}`, await body(req, maxUpload));
      return answer({ staged: true });
    }
    if (jobId !== undefined && m[3] === 'result') {
      const result = await json(req, RemoteResult);
      const key = `${name}/job/${jobId}/${result.claim}`;
      const tarball = staged.get(key) ?? Buffer.alloc(0);
      staged.delete(key);
      return answer(await hub.result(name, jobId, result, tarball));
    }
    if (jobId !== undefined && m[3] === 'error')
      return answer(hub.error(name, jobId, await json(req, Failure)));
    if (m[4] === 'claim') {
      const c = await json(req, BaselineClaim);
      return answer(hub.baselineClaim(name, c.key, c.inputs, c.staleMs));
    }
    if (runId !== undefined && m[6] === 'tests') return answer({ tests: hub.baselineTests(runId) });
    if (runId !== undefined && m[6] === 'artifacts') {
      staged.set(`${name}/baseline/${runId}`, await body(req, maxUpload));
      return answer({ staged: true });
    }
    if (runId !== undefined && m[6] === 'finish') {
      const key = `${name}/baseline/${runId}`;
      const tarball = staged.get(key) ?? Buffer.alloc(0);
      staged.delete(key);
      return answer(await hub.baselineFinish(name, runId, await json(req, BaselineEnd), tarball));
    }
    return reply(res, 404, { error: 'no such endpoint' });
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const name = authenticate(ctx, req);
    if (!name) {
      ctx.log.warn(
        { path, from: req.socket.remoteAddress },
        'fleet: request refused, bad credential',
      );
      reply(res, 401, { error: 'unknown worker or bad token' });
      req.resume();
      return;
    }
    route(name, req, res, path).catch((err: unknown) => {
      const bad =
        err instanceof SyntaxError || (err instanceof BotError && err.code === 'HTTP_REJECTED');
      if (!bad) ctx.log.error({ err, path, worker: name }, 'fleet request failed');
      if (!res.headersSent)
        reply(res, bad ? 400 : 500, { error: bad ? (err as Error).message : 'internal error' });
    });
  });
  const { host, port } = ctx.config.fleet?.coordinator ?? { host: '127.0.0.1', port: 0 };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.address}:${address.port}`;
  ctx.log.info({ url }, 'fleet API listening');
  return {
    server,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
