import type { Json } from './fixtures.js';
import { type FakePatch, type Model, naiveNow } from './model.js';

export interface AddSeriesInput {
  /** Cover letter (`0/N`), if any. */
  cover?: Buffer | string;
  /** The patches in order. Fewer than N leaves the series incomplete (no series-completed). */
  patches: Array<Buffer | string>;
  /** Patch state slug for every patch (default 'new'). */
  state?: string;
  /** Username of the delegate (must be one of the fake's users), or none. */
  delegate?: string;
}

export interface AddedSeries {
  seriesId: number;
  patchIds: number[];
  coverId?: number;
  completedEventId?: number;
}

interface Mail {
  headers: Map<string, string>;
  headerText: string;
  body: string;
}

function parseMail(raw: Buffer | string): Mail {
  const text = raw.toString().replace(/\r\n/g, '\n');
  const split = text.indexOf('\n\n');
  const headerText = split < 0 ? text : text.slice(0, split);
  const headers = new Map<string, string>();
  for (const line of headerText.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) {
      const k = line.slice(0, i).toLowerCase();
      if (!headers.has(k)) headers.set(k, line.slice(i + 1).trim());
    }
  }
  return { headers, headerText, body: split < 0 ? '' : text.slice(split + 2) };
}

/** `[PATCH bpf-next v3 1/3] x` → prefixes without PATCH, version, number, total, title. */
function subjectParts(subject: string) {
  const m = /^\s*\[([^\]]*)\]\s*(.*)$/.exec(subject);
  const prefixes = (m?.[1] ?? '').split(/[\s,]+/).filter((t) => t && !/^patch$/i.test(t));
  const counter = prefixes.find((t) => /^\d+\/\d+$/.test(t));
  const [num, total] = counter ? counter.split('/').map(Number) : [1, 1];
  const vtok = prefixes.find((t) => /^v\d+$/i.test(t));
  return {
    prefixes,
    version: vtok ? Number(vtok.slice(1)) : 1,
    number: num ?? 1,
    total: total ?? 1,
    title: m?.[2] ?? subject,
  };
}

function naiveDate(rfc2822: string | undefined): string {
  const d = rfc2822 ? new Date(rfc2822) : new Date();
  return (Number.isNaN(d.getTime()) ? new Date() : d).toISOString().slice(0, 19);
}

function person(from: string | undefined): Json {
  const m = /^\s*"?([^"<]*?)"?\s*<([^>]+)>/.exec(from ?? '');
  return { id: 1, name: m?.[1] ?? '', email: m?.[2] ?? from ?? '' };
}

function mboxOf(mail: Mail, id: number, submitter: Json): string {
  // asctime, as Patchwork writes it: `From patchwork Tue Nov 24 14:00:07 2026`.
  const d = new Date(mail.headers.get('date') ?? Date.now());
  const [wd, day, mon, year, time] = d.toUTCString().replace(',', '').split(' ');
  const date = `${wd} ${mon} ${day} ${time} ${year}`;
  return (
    `From patchwork ${date}\n` +
    `X-Patchwork-Submitter: ${submitter.name} <${submitter.email}>\n` +
    `X-Patchwork-Id: ${id}\n${mail.headerText}\n\n${mail.body}`
  );
}

/**
 * Adds a series the way parsemail would: cover, patches, their mbox downloads and
 * the events (series-created, cover-created, patch-created, series-completed when all
 * N patches are there). Objects have the recorded shapes, with this fake's URLs.
 */
export function addSeries(m: Model, input: AddSeriesInput): AddedSeries {
  const link = m.project.link_name as string;
  const project = m.project;
  const mails = input.patches.map(parseMail);
  const coverMail = input.cover ? parseMail(input.cover) : undefined;
  const first = coverMail ?? mails[0];
  if (!first) throw new Error('addSeries needs at least one message');
  const head = subjectParts(first.headers.get('subject') ?? '');
  const submitter = person(first.headers.get('from'));
  const seriesId = m.next.series++;
  const seriesUrl = `${m.base}/api/1.2/series/${seriesId}/`;
  const seriesMbox = `${m.base}/series/${seriesId}/mbox/`;
  const seriesRef = {
    id: seriesId,
    url: seriesUrl,
    web_url: `${m.base}/project/${link}/list/?series=${seriesId}`,
    date: naiveDate(first.headers.get('date')),
    name: '',
    version: head.version,
    mbox: seriesMbox,
  };
  const summary = (kind: 'patch' | 'cover', id: number, mail: Mail): Json => {
    const msgid = mail.headers.get('message-id') ?? `<${kind}-${id}@fake>`;
    const bare = msgid.replace(/^<|>$/g, '');
    const s = subjectParts(mail.headers.get('subject') ?? '');
    return {
      id,
      url: `${m.base}/api/1.2/${kind === 'patch' ? 'patches' : 'covers'}/${id}/`,
      web_url: `${m.base}/project/${link}/${kind}/${bare}/`,
      msgid,
      list_archive_url: `https://lore.kernel.org/r/${bare}`,
      date: naiveDate(mail.headers.get('date')),
      name: `[${s.prefixes.join(',')}] ${s.title}`,
      mbox: `${m.base}/project/${link}/${kind}/${bare}/mbox/`,
    };
  };
  const delegate = input.delegate
    ? (m.users.find((u) => u.username === input.delegate) ?? null)
    : null;
  let cover: Json | null = null;
  if (coverMail) {
    const id = m.next.cover++;
    cover = summary('cover', id, coverMail);
    m.covers.set(id, { ...cover, project, submitter, series: [seriesRef], comments: '' });
    m.mboxes.set(new URL(cover.mbox as string).pathname, mboxOf(coverMail, id, submitter));
  }
  seriesRef.name = coverMail ? head.title : (summary('patch', 0, first).name as string);
  const patchSummaries = mails.map((mail) => {
    const id = m.next.patch++;
    const s = summary('patch', id, mail);
    const p: FakePatch = {
      ...s,
      id,
      msgid: s.msgid as string,
      project,
      commit_ref: null,
      pull_url: null,
      state: input.state ?? 'new',
      archived: false,
      hash: id.toString(16).padStart(40, '0'),
      submitter,
      delegate,
      series: [seriesRef],
      comments: `${m.base}/api/patches/${id}/comments/`,
      check: 'pending',
      checks: `${m.base}/api/patches/${id}/checks/`,
      tags: {},
      related: [],
    };
    m.patches.set(id, p);
    m.mboxes.set(new URL(s.mbox as string).pathname, mboxOf(mail, id, submitter));
    return { s, mail };
  });
  const complete = mails.length >= head.total;
  m.series.set(seriesId, {
    ...seriesRef,
    project,
    submitter,
    total: head.total,
    received_total: mails.length,
    received_all: complete,
    cover_letter: cover,
    patches: patchSummaries.map((x) => x.s),
  });
  m.mboxes.set(
    `/series/${seriesId}/mbox/`,
    patchSummaries.map((x) => mboxOf(x.mail, x.s.id as number, submitter)).join('\n'),
  );
  const event = (category: string, payload: Json): number => {
    const id = m.next.event++;
    m.events.push({ id, category, project, date: naiveNow(), actor: null, payload });
    return id;
  };
  event('series-created', { series: seriesRef });
  if (cover) event('cover-created', { cover });
  for (const x of patchSummaries) event('patch-created', { patch: x.s });
  const completedEventId = complete ? event('series-completed', { series: seriesRef }) : undefined;
  return {
    seriesId,
    patchIds: patchSummaries.map((x) => x.s.id as number),
    coverId: cover ? (cover.id as number) : undefined,
    completedEventId,
  };
}
