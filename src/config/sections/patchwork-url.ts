/** The REST API version bpfci speaks when the URL names none. */
export const DEFAULT_API_VERSION = '1.2';

export const PATCHWORK_URL_FORMS =
  'the server (https://host/) or its API root (https://host/api/ or https://host/api/1.2/)';

// What may follow the scheme and host: nothing, `/api`, or `/api/<version>`, with or
// without a trailing slash. A prefix is allowed before `/api` (a server mounted under
// /pw/), but a path without `/api` is refused: `https://host/events/` or `/pw/` is a
// typo or a guess, and taking it as the server root would poll a 404 forever.
const API_PATH = /^(?<root>(?:\/[^/]+)*?)\/api(?:\/(?<version>\d+\.\d+))?\/*$/;

/**
 * The one normalisation of `sources.patchwork.url`, used by the config check and by
 * every Patchwork client (poller, `bpfci test`, checks): the API root with its
 * version and a trailing slash, e.g. `https://host/api/1.2/`. Undefined when the URL
 * is not one of the accepted forms (see PATCHWORK_URL_FORMS).
 */
export function patchworkApiUrl(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (!['http:', 'https:'].includes(u.protocol) || u.search || u.hash) return undefined;
  const origin = `${u.protocol}//${u.host}`;
  if (/^\/*$/.test(u.pathname)) return `${origin}/api/${DEFAULT_API_VERSION}/`;
  const m = API_PATH.exec(u.pathname);
  if (!m?.groups) return undefined;
  const { root = '', version = DEFAULT_API_VERSION } = m.groups;
  return `${origin}${root}/api/${version}/`;
}
