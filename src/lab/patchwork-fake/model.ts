import { type Json, recordedJson, recordedText } from './fixtures.js';

export interface FakeCheck extends Json {
  id: number;
  url: string;
  user: Json;
  date: string;
  state: string;
  target_url: string | null;
  context: string;
  description: string | null;
}

export interface FakePatch extends Json {
  id: number;
  msgid: string;
  state: string;
  archived: boolean;
  delegate: Json | null;
  series: Json[];
}

export interface FakeEvent extends Json {
  id: number;
  category: string;
  date: string;
  payload: Json;
}

/** Everything the fake serves, mutable by tests through the fake's methods. */
export interface Model {
  base: string;
  project: Json;
  users: Json[];
  series: Map<number, Json>;
  patches: Map<number, FakePatch>;
  covers: Map<number, Json>;
  checks: Map<number, FakeCheck[]>;
  events: FakeEvent[];
  /** mbox bodies by web path (`/series/3/mbox/`, `/project/netdevbpf/cover/<msgid>/mbox/`). */
  mboxes: Map<string, string>;
  next: { series: number; patch: number; cover: number; event: number; check: number };
}

/** Naive UTC with microseconds, as Patchwork stamps events and checks. */
export function naiveNow(): string {
  return `${new Date().toISOString().slice(0, 23)}000`;
}

/** Fields only the detail view has: dropped from list items. */
const DETAIL_ONLY = ['headers', 'content', 'diff', 'prefixes'];

function listItem<T extends Json>(obj: T): T {
  const out = { ...obj };
  for (const k of DETAIL_ONLY) delete out[k];
  return out;
}

/**
 * The fake's starting state. 'recorded' is the lab server as captured at the end
 * (series 1–3, patches 1–7 with 1–3 superseded, covers 1–2, the recorded events and
 * checks); 'empty' has only the project and the users, for tests that add their own.
 * Series 1's mbox was not recorded: the fake answers 404 for it.
 */
export function seedModel(base: string, seed: 'recorded' | 'empty'): Model {
  const r = <T = Json>(p: string) => recordedJson<T>(p, base);
  const m: Model = {
    base,
    project: r('projects/detail-by-linkname.json'),
    users: r<Json[]>('users/list-as-ci-bot.json'),
    series: new Map(),
    patches: new Map(),
    covers: new Map(),
    checks: new Map(),
    events: [],
    mboxes: new Map(),
    next: { series: 1, patch: 1, cover: 1, event: 1, check: 1 },
  };
  if (seed === 'empty') return m;
  for (const f of [
    'series/detail-1-v2-with-cover.json',
    'series/detail-2-single-no-cover.json',
    'series/detail-3-v3-with-cover.json',
  ]) {
    const s = r(f);
    m.series.set(s.id as number, s);
  }
  const patches = [
    ...r<FakePatch[]>('patches/list-series-1.json'),
    listItem(r<FakePatch>('patches/detail-4-single.json')),
    ...r<FakePatch[]>('patches/list-series-3-before-checks.json'),
  ];
  for (const p of patches) m.patches.set(p.id, { ...p, state: p.id <= 3 ? 'superseded' : p.state });
  const cover1 = listItem(r('covers/detail-1.json'));
  m.covers.set(1, cover1);
  const s3 = m.series.get(3) as Json;
  m.covers.set(2, { ...(s3.cover_letter as Json), project: m.project, series: [] });
  const seen = new Map<number, FakeEvent>();
  for (const f of [
    'series-created',
    'series-completed',
    'patch-completed',
    'cover-created',
    'check-created',
    'patch-state-changed',
    'patch-relation-changed',
  ]) {
    for (const e of r<FakeEvent[]>(`events/${f}.json`)) seen.set(e.id, e);
  }
  m.events = [...seen.values()].sort((a, b) => a.id - b.id);
  m.checks.set(5, r<FakeCheck[]>('checks/list-patch-5.json'));
  m.checks.set(6, [r<FakeCheck>('checks/post-fail-json.json')]);
  m.checks.set(7, [r<FakeCheck>('checks/post-state-numeric-1.json')]);
  m.checks.set(4, [r<FakeCheck>('checks/post-single-patch-success.json')]);
  m.mboxes.set('/series/2/mbox/', recordedText('mbox/series-2.mbox', base));
  m.mboxes.set('/series/3/mbox/', recordedText('mbox/series-3.mbox', base));
  m.mboxes.set(
    '/project/netdevbpf/cover/20261124-bpf-foo-lookup-v3-0@example.org/mbox/',
    recordedText('mbox/cover-3.mbox', base),
  );
  m.mboxes.set(
    '/project/netdevbpf/patch/20261124-bpf-foo-lookup-v3-1@example.org/mbox/',
    recordedText('mbox/patch-5.mbox', base),
  );
  const maxId = (ids: Iterable<number>) => Math.max(0, ...ids) + 1;
  m.next = {
    series: maxId(m.series.keys()),
    patch: maxId(m.patches.keys()),
    cover: maxId(m.covers.keys()),
    event: maxId(m.events.map((e) => e.id)),
    check: maxId([...m.checks.values()].flat().map((c) => c.id)),
  };
  return m;
}

/** Newest check per (user, context), then fail > warning > pending > success; none → pending. */
export function combinedCheck(checks: FakeCheck[]): string {
  const newest = new Map<string, FakeCheck>();
  for (const c of checks) {
    const key = `${(c.user as { id?: number }).id}/${c.context}`;
    const prev = newest.get(key);
    if (!prev || c.date >= prev.date) newest.set(key, c);
  }
  const states = new Set([...newest.values()].map((c) => c.state));
  if (states.size === 0) return 'pending';
  for (const s of ['fail', 'warning', 'pending']) if (states.has(s)) return s;
  return 'success';
}

/** A patch as the API shows it: the `check` field is always recomputed from its checks. */
export function patchView(m: Model, p: FakePatch): Json {
  return { ...p, check: combinedCheck(m.checks.get(p.id) ?? []) };
}
