import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerApply } from '../../../src/cli/apply.js';
import { configOption } from '../../../src/cli/common.js';
import {
  commit,
  makeKernelLikeRepo,
  makeSeries,
  tempDir,
  writeFiles,
} from '../../helpers/kernel-like-repo.js';

/** Runs `bpfci apply ...` in-process; returns exit code and stdout. */
async function bpfci(config: string, ...args: string[]): Promise<{ code: number; out: string }> {
  const program = new Command('bpfci').addOption(configOption()).exitOverride();
  registerApply(program);
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  const errSpy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  process.exitCode = 0;
  try {
    await program.parseAsync(['node', 'bpfci', '-c', config, 'apply', ...args]);
  } finally {
    spy.mockRestore();
    errSpy.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { code, out };
}

function setup() {
  const upstream = makeKernelLikeRepo();
  const dir = tempDir('bpfci-cli-');
  const config = join(dir, 'bpfci.yaml');
  writeFileSync(
    config,
    `version: 1\nstate: { dir: ${join(dir, 'state')} }\ntrees:\n  bpf: { upstream: ${upstream} }\n` +
      'routing: { default: bpf, tags: { bpf: bpf } }\n',
  );
  const mails = makeSeries(upstream, (w) => {
    commit(w, 'bpf: one', { 'kernel/bpf/syscall.c': 'int one;\n' });
    commit(w, 'bpf: two', { 'kernel/bpf/two.c': 'int two;\n' });
  });
  const seriesDir = join(dir, 'series');
  writeFiles(seriesDir, Object.fromEntries(mails.map((m, i) => [`000${i + 1}.patch`, m.mbox])));
  return { upstream, dir, config, seriesDir };
}

afterEach(() => vi.restoreAllMocks());

describe('bpfci apply', () => {
  it('ingests a directory of patches, applies them, and finds the same series again by id', async () => {
    const { config, seriesDir } = setup();
    const first = await bpfci(config, seriesDir);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^series #1 /);
    expect(first.out).toMatch(/apply: pass on bpf at [0-9a-f]{12}\n/);
    expect(first.out).toContain('[2/2] applied  bpf: two');
    const again = await bpfci(config, seriesDir, '--json');
    const json = JSON.parse(again.out);
    expect(json).toMatchObject({ seriesId: 1, status: 'pass', tree: 'bpf' });
    expect((await bpfci(config, '1')).code).toBe(0);
  });

  it('exits 1 with the conflict when the tree moved under the series', async () => {
    const { config, seriesDir, upstream } = setup();
    commit(upstream, 'bpf: upstream syscall', { 'kernel/bpf/syscall.c': 'int upstream;\n' });
    const r = await bpfci(config, seriesDir, '--fetch');
    expect(r.code).toBe(1);
    expect(r.out).toContain('apply: conflict on bpf');
    expect(r.out).toContain('[1/2] FAILED   bpf: one');
    expect(r.out).toContain('files: kernel/bpf/syscall.c');
    expect(r.out).toContain('<<<<<<<');
  });

  it('exits 64 for mail without a series, an unknown series id or tree', async () => {
    const { config, dir, seriesDir } = setup();
    writeFileSync(join(dir, 'note.eml'), 'Subject: hello\n\nno patch here\n');
    expect((await bpfci(config, join(dir, 'note.eml'))).code).toBe(64);
    expect((await bpfci(config, '42')).code).toBe(64);
    expect((await bpfci(config, seriesDir, '--tree', 'net')).code).toBe(64);
  });

  it('exits 2 when the tree cannot be fetched', async () => {
    const { config, seriesDir, upstream } = setup();
    (await import('node:fs')).rmSync(upstream, { recursive: true });
    expect((await bpfci(config, seriesDir)).code).toBe(2);
  });
});
