import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../../src/context.js';
import { startWebServer, type WebServer } from '../../../src/web/server.js';
import { tempContext } from '../../helpers/daemon-state.js';
import { EVIL_SUBJECT, seedWebState } from '../../helpers/web-fixture.js';

let ctx: AppContext;
let web: WebServer;
let browser: BrowserContext;
let page: Page;
let ids: ReturnType<typeof seedWebState>;
const dialogs: string[] = [];

beforeAll(async () => {
  ctx = tempContext();
  ids = seedWebState(ctx);
  web = await startWebServer(ctx, '127.0.0.1', 0);
  // A fresh profile dir per run (playwright passes it as --user-data-dir).
  browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'bpfci-chromium-')), {
    executablePath: '/usr/bin/chromium',
    viewport: { width: 1280, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
});

afterAll(async () => {
  await browser?.close();
  await web?.close();
});

async function pwned(): Promise<unknown> {
  return page.evaluate(() => (globalThis as { __pwned?: number }).__pwned);
}

describe('web page in headless Chromium', () => {
  it('lists series with the <script> subject shown as text, never run', async () => {
    await page.goto(`${web.url}/`);

    const cell = page.locator(`a[href="/series/${ids.evil}"]`).nth(1);
    expect(await cell.textContent()).toBe(EVIL_SUBJECT);
    expect(await page.locator('main script').count()).toBe(0);
    expect(await page.locator('main img').count()).toBe(0);
    expect(await pwned()).toBeUndefined();
    await page.screenshot({ path: '/tmp/bpfci-web-series-list.png', fullPage: true });
  });

  it('filters by status, tree, version and verdict', async () => {
    await page.goto(`${web.url}/?verdict=failure`);
    const names = await page.locator('tbody tr td:nth-child(2) a').allTextContents();
    expect(names).toEqual([EVIL_SUBJECT]);

    await page.goto(`${web.url}/`);
    await page.selectOption('select[name="tree"]', 'bpf');
    await page.click('button[type="submit"]');
    await page.waitForURL(/tree=bpf/);
    const trees = await page.locator('tbody tr td:nth-child(6)').allTextContents();
    expect(trees.length).toBeGreaterThan(0);
    expect(new Set(trees)).toEqual(new Set(['bpf']));

    await page.goto(`${web.url}/?version=2`);
    expect(await page.locator('tbody tr').count()).toBe(1);
    await page.goto(`${web.url}/?status=queued`);
    expect(await page.locator('tbody tr td:nth-child(2)').allTextContents()).toEqual([
      '[PATCH bpf-next] waiting in the queue',
    ]);
  });

  it('shows the revisions of a series with their verdicts', async () => {
    await page.goto(`${web.url}/series/${ids.evil}`);
    expect(await page.locator('h1').textContent()).toBe(EVIL_SUBJECT);
    const rows = await page.locator('tbody tr').allTextContents();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('v1');
    expect(rows[0]).toContain('success');
    expect(rows[1]).toContain('v2');
    expect(rows[1]).toContain('failure');
    expect(await pwned()).toBeUndefined();
  });

  it('shows the run: stages with timings, tests by class, logs, reproduction', async () => {
    await page.goto(`${web.url}/runs/${ids.evilJob}`);
    const body = page.locator('h2:has-text("Stages") + table tbody');
    const stages = await body.locator('tr').allTextContents();
    expect(await body.locator('td:first-child').allTextContents()).toEqual([
      'apply',
      'build kernel',
      'build selftests',
      'boot',
      'test test_progs',
      'judge',
    ]);
    expect(stages[1]).toContain('66.0 s');
    const classes = await page
      .locator('h2:has-text("Tests") ~ table tbody tr td:nth-child(4)')
      .allTextContents();
    expect(classes.filter(Boolean).sort()).toEqual(['flaky', 'new', 'pre-existing']);
    expect(await page.locator('pre', { hasText: 'not bold' }).count()).toBe(1);
    expect(await page.locator('main b', { hasText: 'not bold' }).count()).toBe(0);
    expect(await page.locator('pre', { hasText: 'bpfci test' }).textContent()).toMatch(
      /^bpfci test s\d+-p3\.\d+@example\.org --tree bpf-next$/,
    );
    await page.screenshot({ path: '/tmp/bpfci-web-run.png', fullPage: true });

    await page.click('a:has-text("kernel build log")');
    expect(await page.locator('table.log').textContent()).toContain(
      '<script>window.__pwned = 3</script>',
    );
    expect(await pwned()).toBeUndefined();
    expect(dialogs).toEqual([]);
  });

  it('draws the trend as inline SVG and keeps the status page in line with /metrics', async () => {
    await page.goto(`${web.url}/trend`);
    expect(await page.locator('svg').count()).toBe(2);
    expect(await page.locator('svg path').count()).toBeGreaterThan(0);
    await page.screenshot({ path: '/tmp/bpfci-web-trend.png', fullPage: true });

    await page.goto(`${web.url}/status`);
    expect(await page.locator('main p').first().textContent()).toContain('queue depth 1');
    const metrics = await (await fetch(`${web.url}/metrics`)).text();
    expect(metrics).toContain('bpfci_queue_depth 1');
    expect(metrics).toContain('bpfci_poll_errors_total{source="patchwork"} 1');
  });

  it('is read-only and says so', async () => {
    const post = await fetch(`${web.url}/`, { method: 'POST' });
    expect(post.status).toBe(405);
    const res = await fetch(`${web.url}/runs/999999`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
  });
});
