import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitEnv } from '../../src/exec/git.js';
import { seriesForApply } from '../../src/pipeline/apply/from-store.js';
import { amOne } from '../../src/pipeline/apply/git-am.js';
import { ingestMessages } from '../../src/series/ingest.js';
import { listSeries, type StoredSeries } from '../../src/series/store.js';
import { tempStore } from '../helpers/mail-store.js';

// Commit messages as they were mailed: lines that start with `From ` and `>From `
// (mbox quoting would alter them), and 8-bit bytes that are not UTF-8.
const latin1 = (s: string) => Buffer.from(s, 'latin1');
const MESSAGE_1 = latin1(
  'F\xfcr die Gr\xf6\xdfe: the bound is checked once.\n\nFrom the start the check was wrong.\n>From a quoted mail.\nFrom 1234abcd Mon Sep 17 00:00:00 2001\n\nSigned-off-by: J\xf6rg R\xf6del <joerg@example.com>\n',
);
const MESSAGE_2 = latin1(
  'The caf\xe9 byte is sent with no charset.\n\n>>From twice quoted.\n\nSigned-off-by: J\xf6rg R\xf6del <joerg@example.com>\n',
);

function patchMail(n: number, charset: string | undefined, message: Buffer, file: string): Buffer {
  const head = [
    'From: Joerg Roedel <joerg@example.com>',
    `Date: Tue, 07 May 2024 10:0${n}:00 +0000`,
    `Subject: [PATCH bpf-next ${n}/3] bpf: part ${n}`,
    `Message-ID: <exact-${n}@example.com>`,
    ...(n > 1 ? ['In-Reply-To: <exact-1@example.com>'] : []),
    'MIME-Version: 1.0',
    `Content-Type: text/plain${charset ? `; charset=${charset}` : ''}`,
    'Content-Transfer-Encoding: 8bit',
  ].join('\n');
  const diff = `---\n ${file} | 1 +\n 1 file changed, 1 insertion(+)\n\ndiff --git a/${file} b/${file}\nnew file mode 100644\nindex 0000000..7898192\n--- /dev/null\n+++ b/${file}\n@@ -0,0 +1 @@\n+a\n`;
  return Buffer.concat([Buffer.from(`${head}\n\n`), message, Buffer.from(diff)]);
}

// Mislabelled: says UTF-8, carries a Latin-1 byte. git reads such a line as Latin-1;
// a decoder in front of git would have turned the byte into U+FFFD.
const MESSAGE_3 = latin1('Na\xefve label.\n\nSigned-off-by: Joerg Roedel <joerg@example.com>\n');

const MAILS = [
  patchMail(1, 'ISO-8859-1', MESSAGE_1, 'one.txt'),
  patchMail(2, undefined, MESSAGE_2, 'two.txt'),
  patchMail(3, 'UTF-8', MESSAGE_3, 'three.txt'),
];

function gitBytes(cwd: string, ...args: string[]): Buffer {
  return execFileSync('git', args, { cwd, env: gitEnv() });
}

function emptyRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bpfci-exact-'));
  gitBytes(dir, 'init', '-q', '-b', 'main');
  gitBytes(dir, 'commit', '-q', '--allow-empty', '-m', 'base');
  return dir;
}

/** Commit messages, oldest first, exactly as git stores them. */
function messages(repo: string): Buffer {
  return gitBytes(repo, 'log', '--reverse', '--format=%B%x00', 'main~3..main');
}

describe('the apply stage hands git am the mail as it was sent', () => {
  it('gives the commit messages a plain `git am` of the list mail gives, byte for byte', async () => {
    // What a maintainer gets from the mails themselves.
    const reference = emptyRepo();
    for (const [i, raw] of MAILS.entries()) {
      writeFileSync(join(reference, `../ref-${i}.eml`), raw);
      gitBytes(reference, 'am', '-q', join(reference, `../ref-${i}.eml`));
    }
    // What bpfci does with the same mails after storing them.
    const ctx = tempStore();
    ingestMessages(ctx, MAILS, 'imap');
    const [s] = listSeries(ctx.db);
    const repo = emptyRepo();
    for (const p of seriesForApply(s as StoredSeries).patches) {
      const file = join(repo, `../${p.index}.mbox`);
      writeFileSync(file, p.mbox);
      expect((await amOne(repo, file, 60_000)).ok).toBe(true);
    }

    expect(messages(repo).equals(messages(reference))).toBe(true);
    // git am reads 8-bit text that is not UTF-8 as Latin-1 unless a charset says
    // otherwise, as the reference shows: every message ends up UTF-8, every line kept.
    const utf8 = (b: Buffer) => Buffer.from(b.toString('latin1'), 'utf8').toString('latin1');
    const expected = `bpf: part 1\n\n${utf8(MESSAGE_1)}\0\nbpf: part 2\n\n${utf8(MESSAGE_2)}\0\nbpf: part 3\n\n${utf8(MESSAGE_3)}\0\n`;
    expect(messages(repo).toString('latin1')).toBe(expected);
  });
});
