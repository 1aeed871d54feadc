/** A `Name: value` line at the end of a commit message or in a review reply. */
export interface Trailer {
  name: string;
  value: string;
}

/** The trailers b4 and Patchwork carry, by their canonical spelling. */
const PERSON_TRAILERS = [
  'Signed-off-by',
  'Reviewed-by',
  'Acked-by',
  'Tested-by',
  'Reported-by',
  'Suggested-by',
  'Co-developed-by',
];
const CANONICAL = new Map(
  [...PERSON_TRAILERS, 'Fixes', 'Link', 'Closes'].map((n) => [n.toLowerCase(), n]),
);

/** The trailers a reviewer's reply contributes to a patch (b4 "follow-up trailers"). */
export const REVIEW_TRAILERS: ReadonlySet<string> = new Set([
  'Reviewed-by',
  'Acked-by',
  'Tested-by',
  'Reported-by',
  'Suggested-by',
  'Fixes',
]);

/**
 * Trailers in a message body. Quoted lines (`> Reviewed-by: ...`, a reviewer
 * quoting the patch) do not count, and reading stops at the diff so that a
 * patch which adds such a line to a file is not misread.
 */
export function parseTrailers(body: string): Trailer[] {
  const out: Trailer[] = [];
  for (const line of body.split(/\r?\n/)) {
    if (/^diff --git /.test(line)) break;
    const m = /^([A-Za-z][A-Za-z-]*):[ \t]*(\S.*?)\s*$/.exec(line);
    const name = m && CANONICAL.get((m[1] ?? '').toLowerCase());
    const value = m?.[2];
    if (!name || !value || !isValid(name, value)) continue;
    if (!out.some((t) => t.name === name && t.value === value)) out.push({ name, value });
  }
  return out;
}

function isValid(name: string, value: string): boolean {
  if (name === 'Fixes') return /^[0-9a-f]{8,40}\b/i.test(value);
  if (name === 'Link' || name === 'Closes') return /^\S+$/.test(value);
  return /\S+@\S+/.test(value) && value.length <= 300;
}

/** Series metadata that `git format-patch --base` and `b4 prep` put in a footer. */
export interface SeriesMeta {
  baseCommit?: string;
  changeId?: string;
  prerequisitePatchIds: string[];
  prerequisiteChangeIds: string[];
  prerequisiteMessageIds: string[];
}

export function parseSeriesMeta(body: string): SeriesMeta {
  const meta: SeriesMeta = {
    prerequisitePatchIds: [],
    prerequisiteChangeIds: [],
    prerequisiteMessageIds: [],
  };
  for (const line of body.split(/\r?\n/)) {
    const m =
      /^(base-commit|change-id|prerequisite-(?:patch|change|message)-id):[ \t]*(\S+)\s*$/.exec(
        line,
      );
    if (!m) continue;
    const [, key, value = ''] = m;
    if (key === 'base-commit' && /^[0-9a-f]{7,64}$/i.test(value))
      meta.baseCommit ??= value.toLowerCase();
    else if (key === 'change-id' && /^[\w.-]{1,100}$/.test(value)) meta.changeId ??= value;
    else if (key === 'prerequisite-patch-id' && /^[0-9a-f]{40,64}$/i.test(value)) {
      meta.prerequisitePatchIds.push(value.toLowerCase());
    } else if (key === 'prerequisite-change-id') meta.prerequisiteChangeIds.push(value);
    else if (key === 'prerequisite-message-id')
      meta.prerequisiteMessageIds.push(value.replace(/^<|>$/g, ''));
  }
  return meta;
}
