import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gitEnv } from '../../../src/exec/git.js';

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, env: gitEnv(), encoding: 'utf8' }).trim();
}

/** The lab "kernel": which tests pass or fail is decided by the tree's tests.json. */
export type TreeTests = Record<string, 'pass' | 'fail'>;

export const LAB_MAKEFILE = `# The lab kernel: "building" turns tests.json into the kernel image the
# stand-in suite reads; a BROKEN file in the tree breaks the build.
O ?= .
all:
\t@if [ -f BROKEN ]; then echo "BROKEN:1: error: the tree is broken"; exit 2; fi
\t@echo "  GEN     kernel.json"
\t@cp tests.json $(O)/kernel.json
.PHONY: all
`;

/** The content of the lab tree's tests.json: what the "kernel" built from it does. */
export function treeTestsJson(tests: TreeTests, kernel: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ ...kernel, tests }, null, 2)}\n`;
}

export interface LabRepo {
  dir: string;
  baseSha: string;
}

/** A small upstream repository standing in for a kernel tree. */
export function createLabRepo(
  root: string,
  tests: TreeTests,
  kernel: Record<string, unknown> = {},
): LabRepo {
  const dir = join(root, 'upstream');
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'master');
  writeFileSync(join(dir, 'Makefile'), LAB_MAKEFILE);
  writeFileSync(join(dir, 'tests.json'), treeTestsJson(tests, kernel));
  writeFileSync(join(dir, 'README'), 'lab kernel\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'lab: base');
  return { dir, baseSha: git(dir, 'rev-parse', 'HEAD') };
}

export interface LabPatch {
  subject: string;
  /** path → new content; null deletes the file. */
  files: Record<string, string | null>;
}

let seriesSeq = 0;
const AUTHOR = 'Lab Author <author@lab.example>';

/**
 * The mails of a series on `base`, as git format-patch writes them, threaded
 * under a cover letter with the subjects b4 expects ("[PATCH lab v2 1/3] ...").
 * Message-IDs are unique per call, so many series can share a base.
 */
export function seriesMails(
  repo: LabRepo,
  name: string,
  patches: LabPatch[],
  version = 1,
): Buffer[] {
  seriesSeq += 1;
  const work = mkdtempSync(join(tmpdir(), 'bpfci-lab-series-'));
  try {
    git(work, 'clone', '-q', repo.dir, 'w');
    const w = join(work, 'w');
    git(w, 'checkout', '-q', '--detach', repo.baseSha);
    const n = patches.length;
    const v = version > 1 ? ` v${version}` : '';
    const id = (i: number) => `<lab-${process.pid}-${seriesSeq}-v${version}-${i}@lab.example>`;
    const mails: Buffer[] = [];
    if (n > 1) mails.push(Buffer.from(cover(`[PATCH lab${v} 0/${n}] ${name}`, id(0))));
    patches.forEach((p, i) => {
      for (const [path, content] of Object.entries(p.files)) {
        const file = join(w, path);
        if (content === null) rmSync(file);
        else {
          mkdirSync(dirname(file), { recursive: true });
          writeFileSync(file, content);
        }
      }
      git(w, 'add', '-A');
      git(w, 'commit', '-q', '-m', p.subject);
      const raw = git(w, 'format-patch', '-1', '--stdout', 'HEAD');
      const subject =
        n > 1 ? `[PATCH lab${v} ${i + 1}/${n}] ${p.subject}` : `[PATCH lab${v}] ${p.subject}`;
      const thread = n > 1 ? `In-Reply-To: ${id(0)}\nReferences: ${id(0)}\n` : '';
      const headers = raw
        .replace(/^From [0-9a-f]{40} .*\n/, '')
        .replace(/^From: .*$/m, `From: ${AUTHOR}`)
        .replace(
          /^Subject: .*$/m,
          `Subject: ${subject}\nMessage-ID: ${id(i + 1)}\n${thread}`.trimEnd(),
        );
      mails.push(Buffer.from(`${headers}\n`));
    });
    return mails;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function cover(subject: string, messageId: string): string {
  return [
    `From: ${AUTHOR}`,
    'Date: Wed, 25 Nov 2026 12:00:00 +0000',
    `Subject: ${subject}`,
    `Message-ID: ${messageId}`,
    '',
    'A lab series.',
    '',
  ].join('\n');
}
