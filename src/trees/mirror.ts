import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AppContext } from '../context.js';
import { BotError, errorMessage } from '../errors.js';
import { git } from './git.js';
import { recordFetchError } from './state.js';
import { isLocalUpstream, type TreeInfo } from './tree-config.js';

/**
 * Makes sure the tree's bare mirror exists. It is built in a temporary directory and
 * renamed into place, so a crash or a timeout never leaves a half-made mirror that
 * looks real. A local upstream (tests, the cached 6.1 tree) is cloned with hard
 * links, which takes seconds instead of repacking the whole history.
 */
export async function ensureMirror(ctx: AppContext, t: TreeInfo): Promise<void> {
  if (existsSync(`${t.mirror}/HEAD`)) return;
  await mkdir(dirname(t.mirror), { recursive: true });
  const tmp = `${t.mirror}.tmp-${process.pid}-${Date.now()}`;
  const timeoutMs = t.fetchTimeoutSeconds * 1000;
  try {
    const r = isLocalUpstream(t.upstream)
      ? await git(
          dirname(t.mirror),
          ['clone', '--bare', '--local', '--no-tags', '-q', t.source, tmp],
          {
            timeoutMs,
          },
        )
      : await git(dirname(t.mirror), ['init', '--bare', '-q', tmp]);
    if (!r.ok) {
      const why = r.timedOut ? 'timed out' : r.stderrTail.trim().split('\n').pop();
      throw new BotError(
        'TREE_FETCH',
        `cannot create mirror of ${t.name} from ${t.source}: ${why}`,
      );
    }
    await rename(tmp, t.mirror).catch(async (err: NodeJS.ErrnoException) => {
      // Another process made it first: theirs is as good as ours.
      if (!existsSync(`${t.mirror}/HEAD`)) throw err;
    });
    ctx.log.info({ tree: t.name, mirror: t.mirror }, 'mirror created');
  } catch (err) {
    recordFetchError(ctx, t, errorMessage(err));
    throw err instanceof BotError
      ? err
      : new BotError('TREE_FETCH', `cannot create mirror of ${t.name}`, { cause: err });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
