import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { PW_FIXTURES } from './fixtures.js';

const API_HEADERS = { Vary: 'Accept, Cookie', 'X-Frame-Options': 'DENY' };

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  extra: Record<string, string> = {},
): void {
  // Compact, like DRF (the recordings are re-indented for reading).
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...API_HEADERS,
    ...extra,
  });
  res.end(text);
}

export function sendText(
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
  extra: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    ...extra,
  });
  res.end(body);
}

/** Django's HTML 500 page (as recorded for `since=…Z` on SQLite). */
export function send500(res: ServerResponse): void {
  const html = readFileSync(join(PW_FIXTURES, 'series/filter-since-Z-500-on-sqlite.html'), 'utf8');
  sendText(res, 500, 'text/html', html);
}

/** Patchwork's HTML 404 page (unknown API version, unknown mbox). */
export function sendHtml404(res: ServerResponse): void {
  const html = readFileSync(join(PW_FIXTURES, 'mbox/series-999-404.html'), 'utf8');
  sendText(res, 404, 'text/html; charset=utf-8', html);
}

function linkUrl(url: URL, page: number | undefined): string {
  const params = [...url.searchParams.entries()].filter(([k]) => k !== 'page');
  if (page !== undefined) params.push(['page', String(page)]);
  params.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${url.origin}${url.pathname}?${new URLSearchParams(params)}`;
}

/**
 * A bare JSON array page with the RFC 5988 Link header Patchwork sends: query keys
 * sorted, `first`/`last` always, `prev` to page 1 without `page=`, and 404 "Invalid
 * page." past the end. per_page defaults to 30 and is capped at 250.
 */
export function sendPage(res: ServerResponse, url: URL, items: unknown[]): void {
  const rawPer = Number(url.searchParams.get('per_page'));
  const per = Number.isInteger(rawPer) && rawPer > 0 ? Math.min(rawPer, 250) : 30;
  const last = Math.max(1, Math.ceil(items.length / per));
  const pageParam = url.searchParams.get('page');
  const page = pageParam === null ? 1 : Number(pageParam);
  if (!Number.isInteger(page) || page < 1 || page > last) {
    sendJson(res, 404, { detail: 'Invalid page.' });
    return;
  }
  const links: string[] = [];
  if (page < last) links.push(`<${linkUrl(url, page + 1)}>; rel="next"`);
  if (page > 1) links.push(`<${linkUrl(url, page === 2 ? undefined : page - 1)}>; rel="prev"`);
  links.push(`<${linkUrl(url, 1)}>; rel="first"`, `<${linkUrl(url, last)}>; rel="last"`);
  sendJson(res, 200, items.slice((page - 1) * per, page * per), {
    Link: links.join(', '),
    Allow: 'GET, HEAD, OPTIONS',
  });
}
