import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Config } from '../../src/config/schema.js';
import type { AppContext } from '../../src/context.js';
import { openDatabase } from '../../src/db/open.js';
import { gitEnv } from '../../src/exec/git.js';
import { silentLogger } from '../../src/log.js';

/** Synchronous git for test setup, with bpfci's clean git environment. */
export function gitSync(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    env: gitEnv(),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  }).trim();
}

export function tempDir(prefix = 'bpfci-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeFiles(repo: string, files: Record<string, string | Buffer>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    writeFileSync(join(repo, path), content);
  }
}

export function commit(
  repo: string,
  message: string,
  files: Record<string, string | Buffer>,
): string {
  writeFiles(repo, files);
  gitSync(repo, 'add', '-A');
  gitSync(repo, 'commit', '-q', '-m', message);
  return gitSync(repo, 'rev-parse', 'HEAD');
}

const VERIFIER_C = (extra = '') => `// SPDX-License-Identifier: GPL-2.0-only
#include <linux/bpf.h>

static int check_alu_op(int op)
{
\treturn op;
}
${extra}
int bpf_check(void)
{
\treturn check_alu_op(0);
}
`;

/**
 * An upstream repository laid out like a kernel tree (kernel/bpf, include/linux,
 * selftests with their .gitignore, a binary blob), with a little history, on branch
 * master. Returns the path; the base commit is its HEAD.
 */
export function makeKernelLikeRepo(dir = tempDir('bpfci-upstream-')): string {
  gitSync(dir, 'init', '-q', '-b', 'master');
  commit(dir, 'Initial tree', {
    Makefile: 'VERSION = 6\nPATCHLEVEL = 1\n',
    'kernel/bpf/verifier.c': VERIFIER_C(),
    'kernel/bpf/syscall.c':
      '// SPDX-License-Identifier: GPL-2.0-only\nint bpf_sys(void)\n{\n\treturn 0;\n}\n',
    'include/linux/bpf.h':
      '#ifndef _LINUX_BPF_H\n#define _LINUX_BPF_H\nint bpf_check(void);\n#endif\n',
    'tools/testing/selftests/bpf/.gitignore': '*.o\ntest_verifier\n',
    'tools/testing/selftests/bpf/verifier/basic.c': '{\n\t"basic",\n\t.result = ACCEPT,\n},\n',
    'firmware/blob.bin': Buffer.from([0, 1, 2, 3, 255, 254, 0, 7]),
  });
  commit(dir, 'bpf: tidy syscall', {
    'kernel/bpf/syscall.c':
      '// SPDX-License-Identifier: GPL-2.0-only\nint bpf_sys(void)\n{\n\treturn 1;\n}\n',
  });
  return dir;
}

export function verifierWith(extra: string): string {
  return VERIFIER_C(extra);
}

/**
 * Makes a series: in a clone of `upstream` at `base`, runs `build` to commit patches,
 * and returns them as `git format-patch` mails (with base-commit: when `withBase`).
 */
export function makeSeries(
  upstream: string,
  build: (work: string) => void,
  options: { base?: string; withBase?: boolean } = {},
): { subject: string; mbox: string }[] {
  const work = tempDir('bpfci-series-');
  gitSync(work, 'clone', '-q', upstream, '.');
  if (options.base) gitSync(work, 'checkout', '-q', '--detach', options.base);
  const start = gitSync(work, 'rev-parse', 'HEAD');
  build(work);
  const out = join(work, '.patches');
  const args = ['format-patch', '-q', '-o', out, '--thread', '--cover-letter'];
  if (options.withBase) args.push(`--base=${start}`);
  gitSync(work, ...args, `${start}..HEAD`);
  return readdirSync(out)
    .filter((f) => !f.startsWith('0000-'))
    .sort()
    .map((f) => {
      const mbox = readFileSync(join(out, f), 'utf8');
      const subject = /^Subject: \[PATCH[^\]]*\] (.*)$/m.exec(mbox)?.[1] ?? f;
      return { subject, mbox };
    });
}

/** An AppContext over a fresh state dir and an in-memory-like file DB. */
export function testContext(
  config: Record<string, unknown>,
  stateDir = tempDir('bpfci-state-'),
): AppContext {
  const parsed = Config.parse({ version: 1, state: { dir: stateDir }, ...config });
  return {
    config: parsed,
    configFile: '(test)',
    db: openDatabase(join(stateDir, 'bpfci.sqlite')),
    log: silentLogger,
    stateDir,
  };
}

/** mtime (ms) of every tracked file in a worktree. */
export function mtimes(worktree: string): Map<string, number> {
  const files = gitSync(worktree, 'ls-files', '-z').split('\0').filter(Boolean);
  return new Map(files.map((f) => [f, statSync(join(worktree, f)).mtimeMs]));
}
