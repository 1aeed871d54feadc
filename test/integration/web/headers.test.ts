import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebServer, type WebServer } from '../../../src/web/server.js';
import { tempContext } from '../../helpers/daemon-state.js';
import { seedWebState } from '../../helpers/web-fixture.js';

let web: WebServer;
let ids: ReturnType<typeof seedWebState>;

beforeAll(async () => {
  const ctx = tempContext();
  ids = seedWebState(ctx);
  web = await startWebServer(ctx, '127.0.0.1', 0);
});

afterAll(async () => {
  await web?.close();
});

describe('web security headers', () => {
  // Every kind of answer: pages, the JSON API, metrics, a 404 and a refused POST.
  const paths = (): [string, RequestInit?][] => [
    ['/'],
    [`/series/${ids.evil}`],
    ['/status'],
    ['/api/status'],
    ['/metrics'],
    ['/no-such-page'],
    ['/', { method: 'POST' }],
  ];

  it('forbids framing by any site, old browsers included', async () => {
    for (const [path, init] of paths()) {
      const res = await fetch(`${web.url}${path}`, init);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("default-src 'none'");
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
    }
  });
});
