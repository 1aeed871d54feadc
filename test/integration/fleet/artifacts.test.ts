import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create } from 'tar';
import { describe, expect, it } from 'vitest';
import { packArtifacts, unpackArtifacts } from '../../../src/fleet/artifacts.js';

/** What a worker sends home is untrusted: real tarballs, made as a hostile one would. */
const temp = (p: string) => mkdtempSync(join(tmpdir(), p));

async function tarOf(cwd: string, entries: string[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of create(
    { gzip: true, cwd, preservePaths: true },
    entries,
  ) as AsyncIterable<Buffer>)
    chunks.push(c);
  return Buffer.concat(chunks);
}

describe('fleet artifacts', () => {
  it('round-trips a run dir, named relative to the state dir, and skips paths outside it', async () => {
    const state = temp('bpfci-art-state-');
    mkdirSync(join(state, 'runs', '7', 'build'), { recursive: true });
    writeFileSync(join(state, 'runs', '7', 'build', 'kernel.log'), '  CC      helper.o\n');
    const tarball = await packArtifacts(state, [join(state, 'runs', '7'), '/etc/hostname']);
    const dest = temp('bpfci-art-dest-');
    await unpackArtifacts(tarball, dest, 1 << 20);
    expect(readFileSync(join(dest, 'runs', '7', 'build', 'kernel.log'), 'utf8')).toContain(
      'helper.o',
    );
    expect(readdirSync(dest)).toEqual(['runs']);
  });

  it('takes no link and nothing that climbs out, and refuses garbage and oversize as bad input', async () => {
    const src = temp('bpfci-art-evil-');
    writeFileSync(join(src, 'ok.log'), 'fine\n');
    symlinkSync('/etc/shadow', join(src, 'shadow.log'));
    const outside = temp('bpfci-art-outside-');
    writeFileSync(join(outside, 'escaped'), 'x');
    const tarball = await tarOf(src, [
      'ok.log',
      'shadow.log',
      join('..', outside.split('/').pop() as string, 'escaped'),
    ]);
    const dest = join(temp('bpfci-art-dest-'), 'in');
    await unpackArtifacts(tarball, dest, 1 << 20).catch(() => {});
    expect(readdirSync(dest)).toEqual(['ok.log']);
    expect(existsSync(join(dest, '..', outside.split('/').pop() as string))).toBe(false);

    await expect(
      unpackArtifacts(Buffer.from('not a tarball at all'), dest, 1 << 20),
    ).rejects.toMatchObject({
      code: 'HTTP_REJECTED',
    });
    await expect(unpackArtifacts(tarball, dest, 10)).rejects.toThrow(/over the limit/);
  });
});
