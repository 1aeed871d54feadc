import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { TreeConfig } from '../config/sections/trees.js';
import type { AppContext } from '../context.js';
import { BotError } from '../errors.js';

export interface TreeInfo extends TreeConfig {
  name: string;
  /** The upstream as git is given it: a URL, or an absolute local path. */
  source: string;
  /** The bare mirror this tree lives in (shared by trees with the same upstream). */
  mirror: string;
}

/** A configured tree by name; an unknown name is a usage error naming the known ones. */
export function treeInfo(ctx: AppContext, name: string): TreeInfo {
  const tree = ctx.config.trees[name];
  if (!tree) {
    const known = Object.keys(ctx.config.trees).join(', ') || 'none configured';
    throw new BotError('USAGE', `unknown tree "${name}" (known: ${known})`);
  }
  const source = isLocalUpstream(tree.upstream) ? localPath(tree.upstream) : tree.upstream;
  return { ...tree, name, source, mirror: mirrorPath(ctx.stateDir, source) };
}

export function isLocalUpstream(upstream: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:\/\//i.test(upstream) || upstream.startsWith('file://');
}

function localPath(upstream: string): string {
  return resolve(upstream.replace(/^file:\/\//, ''));
}

/**
 * One mirror per upstream, named so a human can tell them apart and two upstreams
 * with the same last path component (every kernel tree is "linux.git") do not collide.
 */
export function mirrorPath(stateDir: string, source: string): string {
  const base = source.replace(/\/+$/, '').split('/').pop() ?? 'tree';
  const slug = base.replace(/\.git$/, '').replace(/[^A-Za-z0-9._-]/g, '_') || 'tree';
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 10);
  return join(stateDir, 'mirrors', `${slug}-${hash}.git`);
}
