import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../../src/context.js';
import { startWebServer, type WebServer } from '../../../src/web/server.js';
import { tempContext } from '../../helpers/daemon-state.js';
import { seedWebState } from '../../helpers/web-fixture.js';

/**
 * A run's log pages read only files under the state dir: a verdict's paths can come
 * from a fleet worker, and a hostile one must not make the page serve the host's files.
 */
let ctx: AppContext;
let web: WebServer;
let job: number;

beforeAll(async () => {
  ctx = tempContext();
  job = seedWebState(ctx).evilJob;
  web = await startWebServer(ctx, '127.0.0.1', 0);
});

afterAll(async () => {
  await web?.close();
});

const setLogPath = (path: string) =>
  ctx.db
    .prepare(
      "UPDATE jobs SET verdict_json = json_set(verdict_json, '$.build[0].logPath', ?) WHERE id = ?",
    )
    .run(path, job);

describe('run log pages', () => {
  it('serve a log under the state dir, and nothing outside it, links included', async () => {
    const log = () => fetch(`${web.url}/runs/${job}/log/0?raw=1`);
    const inside = await log();
    expect(inside.status).toBe(200);
    expect(await inside.text()).toContain('CC kernel/bpf/verifier.o');

    setLogPath('/etc/hostname');
    expect((await log()).status).toBe(404);

    const link = join(ctx.stateDir, 'runs', 'r1', 'innocent.log');
    symlinkSync('/etc/hostname', link);
    setLogPath(link);
    expect((await log()).status).toBe(404);
  });
});
