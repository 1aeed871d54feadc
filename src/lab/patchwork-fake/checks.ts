import type { ServerResponse } from 'node:http';
import type { Json } from './fixtures.js';
import { type FakeCheck, type Model, naiveNow, patchView } from './model.js';
import { sendJson } from './respond.js';

const STATES = ['pending', 'success', 'warning', 'fail'];

/** One POST the fake received on a checks URL, whatever its outcome. */
export interface CheckPostRecord {
  patchId: number;
  contentType: string;
  /** The exact request body bytes, as text. */
  body: string;
  status: number;
  /** The user the token resolved to, or undefined for anonymous. */
  user?: string;
}

function parseBody(contentType: string, body: string): Json | string {
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(body));
  }
  try {
    const v = JSON.parse(body) as unknown;
    return v && typeof v === 'object' ? (v as Json) : 'JSON parse error - not an object';
  } catch (err) {
    return `JSON parse error - ${(err as Error).message}`;
  }
}

function validate(data: Json): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  const state = data.state;
  if (state === undefined || state === '') errors.state = ['A check must have a state.'];
  else if (!STATES.includes(String(state)) && !['0', '1', '2', '3'].includes(String(state))) {
    errors.state = [`"${state}" is not a valid choice.`];
  }
  const context = data.context;
  if (context !== undefined && !/^[-a-zA-Z0-9_]{1,255}$/.test(String(context))) {
    errors.context = [
      'Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.',
    ];
  }
  const url = data.target_url;
  if (url !== undefined && url !== null && url !== '') {
    if (String(url).length > 200) {
      errors.target_url = ['Ensure this field has no more than 200 characters.'];
    } else if (!/^https?:\/\/[^\s/]+\S*$/.test(String(url))) {
      errors.target_url = ['Enter a valid URL.'];
    }
  }
  return errors;
}

/**
 * POST /patches/<id>/checks/: maintainers only (403 otherwise, never 401), JSON or
 * form body, DRF-shaped 400s, 201 with Location; also appends a check-created event.
 */
export function postCheck(
  m: Model,
  res: ServerResponse,
  patchId: number,
  user: Json | undefined,
  maintainers: Set<string>,
  contentType: string,
  body: string,
): number {
  const patch = m.patches.get(patchId);
  if (!user || !maintainers.has(String(user.username))) {
    sendJson(res, 403, { detail: 'You do not have permission to perform this action.' });
    return 403;
  }
  if (!patch) {
    sendJson(res, 404, { detail: 'Not found.' });
    return 404;
  }
  const data = parseBody(contentType, body);
  if (typeof data === 'string') {
    sendJson(res, 400, { detail: data });
    return 400;
  }
  const errors = validate(data);
  if (Object.keys(errors).length > 0) {
    sendJson(res, 400, errors);
    return 400;
  }
  const n = Number(data.state);
  const id = m.next.check++;
  const url = `${m.base}/api/1.2/patches/${patchId}/checks/${id}/`;
  const check: FakeCheck = {
    id,
    url,
    user,
    date: naiveNow(),
    state:
      Number.isInteger(n) && String(data.state).length === 1
        ? (STATES[n] as string)
        : String(data.state),
    target_url: (data.target_url as string | undefined) ?? null,
    context: (data.context as string | undefined) ?? 'default',
    description: (data.description as string | undefined) ?? null,
  };
  m.checks.set(patchId, [...(m.checks.get(patchId) ?? []), check]);
  const {
    id: pid,
    url: purl,
    web_url,
    msgid,
    list_archive_url,
    date,
    name,
    mbox,
  } = patchView(m, patch);
  m.events.push({
    id: m.next.event++,
    category: 'check-created',
    project: m.project,
    date: check.date,
    actor: user,
    payload: {
      patch: { id: pid, url: purl, web_url, msgid, list_archive_url, date, name, mbox },
      check: {
        id,
        url,
        user,
        date: check.date,
        state: check.state,
        target_url: check.target_url,
        context: check.context,
        description: check.description,
      },
    },
  });
  sendJson(res, 201, check, { Location: url, Allow: 'GET, POST, HEAD, OPTIONS' });
  return 201;
}
