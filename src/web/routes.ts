import { realpathSync } from 'node:fs';
import { sep } from 'node:path';
import type { AppContext } from '../context.js';
import { collectStatus } from '../daemon/status.js';
import { getRun } from './data/run.js';
import {
  filterChoices,
  getSeries,
  listSeries,
  revisions,
  type SeriesFilters,
  seriesRuns,
} from './data/series.js';
import { trend } from './data/trend.js';
import type { Html } from './html.js';
import { renderMetrics } from './metrics.js';
import { logPage, readTail } from './pages/log-page.js';
import { reproduction, runPage } from './pages/run-page.js';
import { seriesListPage } from './pages/series-list.js';
import { seriesPage } from './pages/series-page.js';
import { statusPage } from './pages/status-page.js';
import { trendPage } from './pages/trend-page.js';

/** What a route answers: a page, JSON (the API), or plain text. */
export type Reply =
  | { kind: 'html'; body: Html }
  | { kind: 'json'; body: unknown }
  | { kind: 'text'; body: string; contentType?: string }
  | { kind: 'not-found' };

export interface Route {
  pattern: RegExp;
  handle(ctx: AppContext, match: RegExpMatchArray, q: URLSearchParams): Reply;
}

const notFound: Reply = { kind: 'not-found' };

function filtersOf(q: URLSearchParams): SeriesFilters {
  const version = Number.parseInt(q.get('version') ?? '', 10);
  return {
    status: q.get('status') || undefined,
    tree: q.get('tree') || undefined,
    version: Number.isFinite(version) ? version : undefined,
    verdict: q.get('verdict') || undefined,
    limit: Number.parseInt(q.get('limit') ?? '', 10) || undefined,
  };
}

function trendDays(q: URLSearchParams): number {
  const d = Number.parseInt(q.get('days') ?? '', 10);
  return Number.isFinite(d) && d > 0 ? Math.min(d, 3650) : 90;
}

const id = (m: RegExpMatchArray): number => Number(m[1]);

/** Every page has a JSON twin under /api with the same data. */
export const ROUTES: Route[] = [
  {
    pattern: /^\/$/,
    handle: (ctx, _m, q) => ({
      kind: 'html',
      body: seriesListPage(listSeries(ctx.db, filtersOf(q)), filtersOf(q), filterChoices(ctx.db)),
    }),
  },
  {
    pattern: /^\/api\/series$/,
    handle: (ctx, _m, q) => ({ kind: 'json', body: listSeries(ctx.db, filtersOf(q)) }),
  },
  {
    pattern: /^\/(api\/)?series\/(\d+)$/,
    handle(ctx, m) {
      const seriesId = Number(m[2]);
      const series = getSeries(ctx.db, seriesId);
      if (!series) return notFound;
      const revs = revisions(ctx.db, seriesId);
      const runs = seriesRuns(ctx.db, seriesId);
      return m[1]
        ? { kind: 'json', body: { series, revisions: revs, runs } }
        : { kind: 'html', body: seriesPage(series, revs, runs) };
    },
  },
  {
    pattern: /^\/(api\/)?runs\/(\d+)$/,
    handle(ctx, m, q) {
      const view = getRun(ctx.db, Number(m[2]));
      if (!view) return notFound;
      if (m[1]) return { kind: 'json', body: { ...view, reproduction: reproduction(view) } };
      return { kind: 'html', body: runPage(view, q.get('all') === '1') };
    },
  },
  {
    // Only files the run page lists can be read: the index is into that list. And only
    // under the state dir: a verdict's paths may come from a fleet worker, untrusted.
    pattern: /^\/runs\/(\d+)\/log\/(\d+)$/,
    handle(ctx, m, q) {
      const artifact = getRun(ctx.db, id(m))?.artifacts[Number(m[2])];
      if (!artifact || !isUnder(artifact.path, ctx.stateDir)) return notFound;
      let tail: ReturnType<typeof readTail>;
      try {
        tail = readTail(artifact.path);
      } catch {
        return notFound;
      }
      if (q.get('raw') === '1') return { kind: 'text', body: tail.text };
      return { kind: 'html', body: logPage(artifact.label, id(m), tail.text, tail.skipped) };
    },
  },
  {
    pattern: /^\/(api\/)?trend$/,
    handle(ctx, m, q) {
      const points = trend(ctx.db, trendDays(q));
      return m[1]
        ? { kind: 'json', body: points }
        : { kind: 'html', body: trendPage(points, trendDays(q)) };
    },
  },
  {
    pattern: /^\/(api\/)?status$/,
    handle(ctx, m) {
      const snapshot = collectStatus(ctx);
      return m[1] ? { kind: 'json', body: snapshot } : { kind: 'html', body: statusPage(snapshot) };
    },
  },
  {
    pattern: /^\/metrics$/,
    handle: (ctx) => ({
      kind: 'text',
      body: renderMetrics(collectStatus(ctx)),
      contentType: 'text/plain; version=0.0.4; charset=utf-8',
    }),
  },
];

/** Whether `path`, links resolved, is inside `dir` (a missing file is not). */
function isUnder(path: string, dir: string): boolean {
  try {
    return realpathSync(path).startsWith(realpathSync(dir) + sep);
  } catch {
    return false;
  }
}
