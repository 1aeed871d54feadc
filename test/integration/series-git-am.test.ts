import { mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open.js';
import { gitEnv } from '../../src/exec/git.js';
import { runChecked } from '../../src/exec/run.js';
import { ingestMessages } from '../../src/series/ingest.js';
import { readPatchMbox } from '../../src/series/patch-mbox.js';
import { attachPatchwork } from '../../src/series/patchwork.js';
import { listSeries, loadSeries, type StoredSeries } from '../../src/series/store.js';
import { loreMbox, tempStore } from '../helpers/mail-store.js';

// The toy tree the lore fixtures were cut from, rebuilt from the patches' context.
const TREE: Record<string, string> = {
  'kernel/bpf/helpers.c': [
    '// SPDX-License-Identifier: GPL-2.0',
    '#include <linux/bpf.h>',
    '#include <linux/errno.h>',
    '',
    'static int bpf_toy_check(const void *ptr, u32 size)',
    '{',
    '\tif (!ptr)',
    '\t\treturn -EINVAL;',
    '\treturn 0;',
    '}',
    '',
    'int bpf_toy_helper(const void *ptr, u32 size)',
    '{',
    '\treturn bpf_toy_check(ptr, size);',
    '}',
    '',
  ].join('\n'),
  'tools/testing/selftests/bpf/toy_test.c': [
    '// SPDX-License-Identifier: GPL-2.0',
    '#include "test_progs.h"',
    '',
    'void test_toy(void)',
    '{',
    '\tASSERT_OK(0, "toy");',
    '}',
    '',
  ].join('\n'),
};

async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await runChecked(['git', ...args], { cwd, env: gitEnv() })).stdoutTail;
}

async function toyRepo(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bpfci-toy-'));
  await git(dir, 'init', '-q', '-b', 'main');
  for (const [path, text] of Object.entries(TREE)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  await git(dir, 'add', '.');
  await git(dir, 'commit', '-q', '-m', 'Initial toy tree');
  return dir;
}

describe('readPatchMbox feeds git am', () => {
  it('applies the v2 series in order with the reviewer trailer added to patch 1', async () => {
    const ctx = tempStore();
    ingestMessages(ctx, loreMbox('series.mbox'), 'test');
    const [s] = listSeries(ctx.db);
    const repo = await toyRepo();
    const mboxFile = join(repo, '..', `${Date.now()}.mbox`);
    writeFileSync(mboxFile, readPatchMbox(s as NonNullable<typeof s>));
    await git(repo, 'am', '-q', '--patch-format=mboxrd', mboxFile);
    const log = await git(repo, 'log', '--format=%s%n%b%n--', 'main~3..main');
    expect(log.match(/^(bpf|selftests)\S*: .*$/gm)).toEqual([
      'selftests/bpf: add tests for bpf_toy_helper() size checks',
      'bpf: return consumed size from bpf_toy_helper()',
      'bpf: reject oversized buffers in bpf_toy_check()',
    ]);
    const first = await git(repo, 'log', '-1', '--format=%an <%ae>%n%b', 'main~2');
    expect(first).toContain('Alice Developer <alice@example.com>');
    expect(first).toContain(
      'Signed-off-by: Alice Developer <alice@example.com>\nReviewed-by: Bob Maintainer <bob@example.org>',
    );
    expect(readFileSync(join(repo, 'kernel/bpf/helpers.c'), 'utf8')).toContain('\treturn size;\n');
  });

  it('stops at upTo, for bisecting a build break', () => {
    const ctx = tempStore();
    ingestMessages(ctx, loreMbox('series.mbox'), 'test');
    const [s] = listSeries(ctx.db);
    const mbox = readPatchMbox(s as NonNullable<typeof s>, 2).toString();
    expect(mbox.match(/^Subject: .*$/gm)).toEqual([
      'Subject: [PATCH bpf-next v2 1/3] bpf: reject oversized buffers in bpf_toy_check()',
      'Subject: [PATCH bpf-next v2 2/3] bpf: return consumed size from bpf_toy_helper()',
    ]);
  });
});

describe('the mail store', () => {
  it('keeps raw paths relative: a state dir moved elsewhere still reads its patches', () => {
    const ctx = tempStore();
    ingestMessages(ctx, loreMbox('series.mbox'), 'test');
    const before = readPatchMbox(listSeries(ctx.db)[0] as NonNullable<StoredSeries>);
    const stored = ctx.db.prepare('SELECT raw_path FROM messages').all() as { raw_path: string }[];
    expect(stored.every((r) => r.raw_path.startsWith('mail/'))).toBe(true);
    ctx.db.close();
    const moved = `${ctx.stateDir}-moved`;
    renameSync(ctx.stateDir, moved);
    const db = openDatabase(join(moved, 'bpfci.sqlite'));
    const [s] = listSeries(db);
    expect(s?.patches[0]?.rawPath.startsWith(moved)).toBe(true);
    expect(readPatchMbox(s as StoredSeries).equals(before)).toBe(true);
    db.close();
  });
});

describe('attachPatchwork', () => {
  it('records Patchwork ids on the series assembled from the same messages', () => {
    const ctx = tempStore();
    ingestMessages(ctx, loreMbox('series.mbox'), 'lore');
    const [s] = listSeries(ctx.db);
    const patches = s?.patches ?? [];
    const id = attachPatchwork(ctx.db, {
      messageIds: [`<${s?.coverMessageId}>`, ...patches.map((p) => p.messageId)],
      seriesId: 851234,
      url: 'https://patchwork.kernel.org/project/netdevbpf/list/?series=851234',
      patches: patches.map((p, i) => ({
        messageId: p.messageId,
        id: 13650000 + i,
        url: `https://pw/${i}`,
      })),
    });
    expect(id).toBe(s?.id);
    const after = loadSeries(ctx.db, s?.id ?? 0);
    expect(after?.patchworkId).toBe(851234);
    expect(after?.patches.map((p) => p.patchworkId)).toEqual([13650000, 13650001, 13650002]);
    expect(listSeries(ctx.db)).toHaveLength(1);
  });

  it('returns undefined when none of the messages is stored', () => {
    const ctx = tempStore();
    expect(
      attachPatchwork(ctx.db, { messageIds: ['nope@x'], seriesId: 1, url: 'u', patches: [] }),
    ).toBeUndefined();
  });
});
