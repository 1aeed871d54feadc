import { existsSync } from 'node:fs';
import type { AppContext } from '../context.js';
import { BotError } from '../errors.js';
import { git, gitOk, resolveCommit } from './git.js';
import { ensureMirror } from './mirror.js';
import { getTreeState, recordFetchError, recordFetchGood } from './state.js';
import { type TreeInfo, treeInfo } from './tree-config.js';

/** Where a fetch lands before it is published; a failed fetch only ever touches these. */
const INCOMING = 'refs/bpfci-incoming/heads';

export interface TreeHead {
  tree: string;
  branch: string;
  sha: string;
  mirror: string;
  /** False when the tip did not move since the last good fetch. */
  changed: boolean;
}

/**
 * Fetches a tree's upstream into its mirror, with a timeout and pruning, and publishes
 * the result all at once. git fetches into a private ref namespace first; only when
 * that succeeded and the configured branch is there are refs/heads/* updated, in one
 * `update-ref --stdin` transaction (all refs or none). A failed fetch leaves the last
 * good state as it was and raises TREE_FETCH.
 */
export async function fetchTree(
  ctx: AppContext,
  name: string,
  options: { signal?: AbortSignal } = {},
): Promise<TreeHead> {
  const t = treeInfo(ctx, name);
  await ensureMirror(ctx, t);
  const before = getTreeState(ctx, name)?.goodSha ?? null;
  const r = await git(
    t.mirror,
    [
      'fetch',
      '--prune',
      '--no-tags',
      '--no-write-fetch-head',
      '--atomic',
      '--quiet',
      '--end-of-options',
    ].concat([t.source, `+refs/heads/*:${INCOMING}/*`]),
    { timeoutMs: t.fetchTimeoutSeconds * 1000, signal: options.signal },
  );
  if (!r.ok) {
    const why = r.timedOut
      ? `timed out after ${t.fetchTimeoutSeconds}s`
      : r.stderrTail.trim().split('\n').slice(-2).join(' ');
    return fail(ctx, t, `fetch of ${t.name} from ${t.source} failed: ${why}`);
  }
  const sha = await resolveCommit(t.mirror, `${INCOMING}/${t.branch}`);
  if (!sha) return fail(ctx, t, `branch ${t.branch} not found upstream in ${t.source}`);
  await publish(t.mirror);
  recordFetchGood(ctx, t, sha);
  ctx.log.info({ tree: name, sha, changed: sha !== before }, 'tree fetched');
  return { tree: name, branch: t.branch, sha, mirror: t.mirror, changed: sha !== before };
}

function fail(ctx: AppContext, t: TreeInfo, message: string): never {
  recordFetchError(ctx, t, message);
  ctx.log.warn({ tree: t.name, err: message }, 'tree fetch failed; keeping last good state');
  throw new BotError('TREE_FETCH', message);
}

/** Mirrors refs/bpfci-incoming/heads/* onto refs/heads/* in one ref transaction. */
async function publish(mirror: string): Promise<void> {
  const list = async (prefix: string) =>
    new Map(
      (await gitOk(mirror, ['for-each-ref', '--format=%(objectname) %(refname)', prefix]))
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [sha = '', ref = ''] = line.split(' ');
          return [ref.slice(prefix.length + 1), sha] as const;
        }),
    );
  const incoming = await list(INCOMING);
  const current = await list('refs/heads');
  const lines = ['start'];
  for (const [ref, sha] of incoming) {
    if (current.get(ref) !== sha) lines.push(`update refs/heads/${ref} ${sha}`);
  }
  for (const ref of current.keys()) if (!incoming.has(ref)) lines.push(`delete refs/heads/${ref}`);
  lines.push('prepare', 'commit');
  const r = await git(mirror, ['update-ref', '--stdin'], { input: `${lines.join('\n')}\n` });
  if (!r.ok)
    throw new BotError('TREE_FETCH', `cannot publish fetched refs: ${r.stderrTail.trim()}`);
}

/** The mirror's published tip of a tree's branch (no network), or undefined before any fetch. */
export async function treeTip(ctx: AppContext, name: string): Promise<string | undefined> {
  const t = treeInfo(ctx, name);
  if (!existsSync(`${t.mirror}/HEAD`)) return undefined;
  return resolveCommit(t.mirror, `refs/heads/${t.branch}`);
}
