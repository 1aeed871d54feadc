import type { ServerResponse } from 'node:http';
import { type CheckPostRecord, postCheck } from './checks.js';
import type { Json } from './fixtures.js';
import { type FakeEvent, type FakePatch, type Model, patchView } from './model.js';
import { send500, sendHtml404, sendJson, sendPage, sendText } from './respond.js';

export interface FakeRequest {
  method: string;
  url: URL;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface Auth {
  tokens: Map<string, string>;
  maintainers: Set<string>;
}

const NAIVE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$/;
const AWARE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$/;

const CATEGORIES = new Set([
  'cover-created',
  'patch-created',
  'patch-completed',
  'patch-state-changed',
  'patch-delegated',
  'patch-relation-changed',
  'check-created',
  'series-created',
  'series-completed',
  'cover-comment-created',
  'patch-comment-created',
]);

type DateFilter =
  | { ok: true; since?: string; before?: string }
  | { ok: false; kind: 'empty' | '500' };

/** since/before: naive works; aware (Z, %2B00:00) is a 500; anything else a silent []. */
function dateFilter(url: URL): DateFilter {
  const out: { ok: true; since?: string; before?: string } = { ok: true };
  for (const key of ['since', 'before'] as const) {
    const v = url.searchParams.get(key);
    if (v === null) continue;
    if (AWARE.test(v)) return { ok: false, kind: '500' };
    if (!NAIVE.test(v)) return { ok: false, kind: 'empty' };
    out[key] = v;
  }
  return out;
}

function inRange(date: string, f: { since?: string; before?: string }): boolean {
  return (!f.since || date >= f.since) && (!f.before || date < f.before);
}

function isProject(m: Model, p: string): boolean {
  return (
    p.toLowerCase() === String(m.project.link_name).toLowerCase() || p === String(m.project.id)
  );
}

function projectMatches(m: Model, url: URL): boolean {
  const p = url.searchParams.get('project');
  return p === null || isProject(m, p);
}

function userOf(req: FakeRequest, m: Model, auth: Auth): Json | undefined | 'bad-token' {
  const h = req.headers.authorization;
  const value = Array.isArray(h) ? h[0] : h;
  const token = value?.startsWith('Token ') ? value.slice(6).trim() : undefined;
  // `Bearer` is not a Patchwork scheme: the request is simply anonymous.
  if (token === undefined) return undefined;
  const name = auth.tokens.get(token);
  if (!name) return 'bad-token';
  return m.users.find((u) => u.username === name);
}

function listEvents(m: Model, url: URL): FakeEvent[] | 'empty' | '500' {
  const f = dateFilter(url);
  if (!f.ok) return f.kind;
  const cat = url.searchParams.get('category');
  const series = url.searchParams.get('series');
  if ((cat && !CATEGORIES.has(cat)) || !projectMatches(m, url)) return 'empty';
  const rows = m.events.filter(
    (e) =>
      (!cat || e.category === cat) &&
      inRange(e.date, f) &&
      (!series || (e.payload.series as Json | undefined)?.id === Number(series)),
  );
  // Events order by date only; the default is newest first.
  const asc = url.searchParams.get('order') === 'date';
  return rows.sort(
    (a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.id - b.id) * (asc ? 1 : -1),
  );
}

function listPatches(m: Model, url: URL): Json[] | 'empty' | '500' {
  const f = dateFilter(url);
  if (!f.ok) return f.kind;
  if (!projectMatches(m, url)) return 'empty';
  const series = url.searchParams.getAll('series').map(Number);
  const states = url.searchParams.getAll('state');
  const delegate = url.searchParams.get('delegate');
  const msgid = url.searchParams.get('msgid');
  const archived = url.searchParams.get('archived');
  const rows = [...m.patches.values()].filter(
    (p: FakePatch) =>
      (series.length === 0 || p.series.some((s) => series.includes(s.id as number))) &&
      (states.length === 0 || states.includes(p.state)) &&
      (!delegate ||
        (p.delegate && (p.delegate.username === delegate || String(p.delegate.id) === delegate))) &&
      (!msgid || p.msgid === `<${msgid}>`) &&
      (archived === null || String(p.archived) === archived) &&
      inRange(String(p.date), f),
  );
  return rows.sort((a, b) => a.id - b.id).map((p) => patchView(m, p));
}

function listSeries(m: Model, url: URL): Json[] | 'empty' | '500' {
  const f = dateFilter(url);
  if (!f.ok) return f.kind;
  if (!projectMatches(m, url)) return 'empty';
  const q = url.searchParams.get('q');
  const rows = [...m.series.values()].filter(
    (s) => inRange(String(s.date), f) && (!q || String(s.name).includes(q)),
  );
  const order = url.searchParams.get('order') ?? 'id';
  const key = order.replace(/^-/, '') === 'date' ? 'date' : 'id';
  const dir = order.startsWith('-') ? -1 : 1;
  return rows.sort(
    (a, b) => String(a[key]).localeCompare(String(b[key]), 'en', { numeric: true }) * dir,
  );
}

/** Routes one request; returns the POST record when it was a checks POST. */
export function route(
  m: Model,
  auth: Auth,
  req: FakeRequest,
  res: ServerResponse,
): CheckPostRecord | undefined {
  const { url } = req;
  const path = url.pathname;
  if (!path.endsWith('/')) {
    // Django's APPEND_SLASH: a relative Location, for POST too.
    res.writeHead(301, {
      Location: `${path}/${url.search}`,
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': 0,
    });
    res.end();
    return undefined;
  }
  const user = userOf(req, m, auth);
  const mbox = m.mboxes.get(path);
  if (!path.startsWith('/api/')) {
    if (mbox !== undefined) sendText(res, 200, 'text/plain', mbox);
    else sendHtml404(res);
    return undefined;
  }
  const api = /^\/api\/(?:(\d+\.\d+)\/)?(.*)$/.exec(path);
  const version = api?.[1];
  if (version && !['1.0', '1.1', '1.2', '1.3'].includes(version)) {
    sendHtml404(res);
    return undefined;
  }
  if (user === 'bad-token') {
    sendJson(res, 403, { detail: 'Invalid token.' });
    return undefined;
  }
  const rest = api?.[2] ?? '';
  const checks = /^patches\/(\d+)\/checks\/$/.exec(rest);
  if (checks && req.method === 'POST') {
    const patchId = Number(checks[1]);
    const contentType = String(req.headers['content-type'] ?? '');
    const status = postCheck(m, res, patchId, user, auth.maintainers, contentType, req.body);
    return {
      patchId,
      contentType,
      body: req.body,
      status,
      user: user?.username as string | undefined,
    };
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendJson(res, 405, { detail: `Method "${req.method}" not allowed.` });
    return undefined;
  }
  const list = (rows: Json[] | FakeEvent[] | 'empty' | '500'): void => {
    if (rows === '500') send500(res);
    else sendPage(res, url, rows === 'empty' ? [] : rows);
  };
  const detail = /^(series|patches|covers)\/(\d+)\/$/.exec(rest);
  const project = /^projects\/([^/]+)\/$/.exec(rest);
  if (rest === '') sendJson(res, 200, apiIndex(m, version));
  else if (rest === 'events/') list(listEvents(m, url));
  else if (rest === 'series/') list(listSeries(m, url));
  else if (rest === 'patches/') list(listPatches(m, url));
  else if (rest === 'projects/') list([m.project]);
  else if (checks) {
    const patch = m.patches.get(Number(checks[1]));
    if (!patch) sendJson(res, 404, { detail: 'Not found.' });
    else list(checksOf(m, patch.id, url));
  } else if (detail) {
    const kind = detail[1];
    const store = kind === 'series' ? m.series : kind === 'patches' ? m.patches : m.covers;
    const obj = store.get(Number(detail[2]));
    if (!obj) sendJson(res, 404, { detail: 'Not found.' });
    else sendJson(res, 200, kind === 'patches' ? patchView(m, obj as FakePatch) : obj);
  } else if (project && isProject(m, project[1] ?? '')) sendJson(res, 200, m.project);
  else sendJson(res, 404, { detail: 'Not found.' });
  return undefined;
}

function checksOf(m: Model, patchId: number, url: URL): Json[] | 'empty' | '500' {
  const f = dateFilter(url);
  if (!f.ok) return f.kind;
  const state = url.searchParams.get('state');
  // The checks state filter takes the stored integer only; a name is a silent [].
  if (state !== null && !/^[0-3]$/.test(state)) return 'empty';
  const names = ['pending', 'success', 'warning', 'fail'];
  const ctx = url.searchParams.get('context');
  const user = url.searchParams.get('user');
  const rows = (m.checks.get(patchId) ?? []).filter(
    (c) =>
      (state === null || c.state === names[Number(state)]) &&
      (!ctx || c.context === ctx) &&
      (!user || c.user.username === user || String(c.user.id) === user) &&
      inRange(c.date, f),
  );
  const order = url.searchParams.get('order') ?? 'id';
  const key = order.replace(/^-/, '') as 'id' | 'date';
  const dir = order.startsWith('-') ? -1 : 1;
  return [...rows].sort((a, b) => (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0) * dir);
}

function apiIndex(m: Model, version: string | undefined): Json {
  const root = `${m.base}/api/${version ? `${version}/` : ''}`;
  const names = ['projects', 'users', 'people', 'patches', 'covers', 'series', 'events', 'bundles'];
  return Object.fromEntries(names.map((n) => [n, `${root}${n}/`]));
}
