import { existsSync, mkdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { create, extract, ReadEntry } from 'tar';
import { BotError } from '../errors.js';

/**
 * A run's artifacts on their way home: the files, named relative to the worker's
 * state dir, in one gzipped tar. The coordinator unpacks them under a directory of
 * its own and points the verdict's paths there.
 */
export async function packArtifacts(stateDir: string, paths: string[]): Promise<Buffer> {
  const inside = [
    ...new Set(
      paths
        .filter((p) => existsSync(p))
        .map((p) => relative(stateDir, p))
        .filter((r) => r !== '' && !r.startsWith('..') && !isAbsolute(r)),
    ),
  ];
  if (inside.length === 0) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  const stream = create({ gzip: true, cwd: stateDir, portable: true }, inside);
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/**
 * Unpacks what a worker sent. Only plain files and directories are taken (no links,
 * no devices), no path leaves `dest` (tar's own rule, kept strict), and an archive
 * over `maxBytes` is refused before it is read.
 */
export async function unpackArtifacts(tarball: Buffer, dest: string, maxBytes: number) {
  if (tarball.length > maxBytes) {
    throw new BotError('HTTP_REJECTED', `artifacts of ${tarball.length} bytes: over the limit`);
  }
  mkdirSync(dest, { recursive: true });
  if (tarball.length === 0) return;
  const plain = (_path: string, entry: unknown) =>
    entry instanceof ReadEntry &&
    (entry.type === 'File' || entry.type === 'OldFile' || entry.type === 'Directory');
  await pipeline(
    Readable.from([tarball]),
    extract({ cwd: dest, strict: true, filter: plain }),
  ).catch((err: unknown) => {
    // A worker's bytes: a broken archive is its error (400), never ours (500).
    throw new BotError('HTTP_REJECTED', `artifacts: ${(err as Error).message}`);
  });
}

/** Every path string of `value` under `root`, as found (the files a verdict names). */
export function pathsUnder(value: unknown, root: string): string[] {
  const prefix = `${root}/`;
  const out: string[] = [];
  JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'string' && v.startsWith(prefix) && statSync(v, { throwIfNoEntry: false }))
      out.push(v);
    return v;
  });
  return out;
}

/** `value` with every string that starts with `from/` moved under `to/`. */
export function rebase<T>(value: T, from: string, to: string): T {
  const prefix = `${from}/`;
  return JSON.parse(JSON.stringify(value), (_k, v: unknown) =>
    typeof v === 'string' && v.startsWith(prefix) ? join(to, v.slice(prefix.length)) : v,
  ) as T;
}
