import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gitEnv } from '../exec/git.js';
import { runChecked, runCommand } from '../exec/run.js';
import type { Lane } from '../lanes/lane.js';
import { bootAndTest } from '../pipeline/boot/boot-and-test.js';
import { defaultStages } from '../pipeline/default-stages.js';
import type { Stages } from '../pipeline/stages.js';
import { loadSeries, type StoredSeries } from '../series/store.js';

/**
 * The bench's judge lab: a tiny upstream tree ("make" copies a file), real
 * lanes, real `git am`, and real QEMU boots of Debian's kernel running a
 * trivial command suite. Everything the bot itself does around them (store,
 * baseline cache, judge, verdict) is the real code.
 */
export const MAKEFILE = 'O ?= .\nall:\n\t@cp README $(O)/built.txt\n.PHONY: all\n';

const git = (cwd: string, ...args: string[]) =>
  runChecked(['git', ...args], { cwd, env: gitEnv() });

/** An upstream repo with one base commit; returns its path. */
export async function createUpstream(dir: string): Promise<string> {
  await git(dir, 'init', '-q', '-b', 'master');
  writeFileSync(join(dir, 'Makefile'), MAKEFILE);
  writeFileSync(join(dir, 'README'), 'bench tree\n');
  await git(dir, 'add', '-A');
  await git(dir, 'commit', '-q', '-m', 'bench: base');
  return dir;
}

/** One-patch series mail on the base (format-patch output plus a Message-ID). */
export async function seriesMail(upstream: string, n: number): Promise<Buffer> {
  const [mail] = await seriesMails(upstream, n, [{ [`change-${n}.txt`]: `change ${n}\n` }]);
  return mail as Buffer;
}

/**
 * A series of one patch per entry of `patches` (files to write), threaded as the list
 * carries it: without a cover, patch k answering patch 1. A README containing BROKEN
 * makes the bench's suite fail (see benchStages).
 */
export async function seriesMails(
  upstream: string,
  n: number,
  patches: Record<string, string>[],
): Promise<Buffer[]> {
  const work = join(upstream, '..', `work-${n}`);
  await git(upstream, 'worktree', 'add', '-q', '--detach', work, 'master');
  for (const [k, files] of patches.entries()) {
    for (const [file, text] of Object.entries(files)) writeFileSync(join(work, file), text);
    await git(work, 'add', '-A');
    await git(work, 'commit', '-q', '-m', `bench: change ${n}.${k + 1}`);
  }
  const total = patches.length;
  const raw = (await git(work, 'format-patch', `-${total}`, '--stdout', 'HEAD')).stdoutTail;
  await git(upstream, 'worktree', 'remove', '--force', work);
  const id = (k: number) => `<bench-judge-${process.pid}-${n}-${k}@bench.example>`;
  return raw
    .split(/^(?=From [0-9a-f]{40} )/m)
    .filter((m) => m.trim())
    .map((m, k) =>
      Buffer.from(
        m
          .replace(/^From [0-9a-f]{40} .*\n/, '')
          .replace(/^Subject: \[PATCH[^\]]*\]/m, `Subject: [PATCH ${k + 1}/${total}]`)
          .replace(/^Subject: .*$/m, (s) =>
            [s, `Message-ID: ${id(k + 1)}`, ...(k > 0 ? [`In-Reply-To: ${id(1)}`] : [])].join('\n'),
          ),
      ),
    );
}

export function benchStages(kernelImage: string): Stages<StoredSeries, Lane> {
  return {
    loadSeries: (ctx, id) => loadSeries(ctx.db, id),
    // The real apply stage (lanes, routing, git am --3way, bisection checkouts).
    apply: defaultStages.apply,
    checkout: defaultStages.checkout,
    build: async (_ctx, lane, opts) => {
      const r = await runCommand(['make', '-s', '-C', lane.worktree, `O=${lane.buildDir}`], {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
        logFile: join(opts.logDir, 'kernel.log'),
      });
      const status = r.exitCode === 0 ? 'pass' : 'fail';
      const result = {
        status,
        target: 'kernel',
        durationMs: r.durationMs,
        warnings: 0,
        newWarnings: [] as string[],
        compiled: 1,
      } as const;
      return { results: [result], kernelImage, selftestsDir: lane.worktree };
    },
    // The guest (Debian's kernel) cannot see the lane, so the tree's verdict rides on
    // the suite's argv: a README that says BROKEN makes the command fail in the guest.
    bootAndTest: (ctx, req) => {
      const broken = readFileSync(join(req.selftestsDir ?? '', 'README'), 'utf8').includes(
        'BROKEN',
      );
      const suites = req.suites.map((s) => (broken ? { ...s, argv: ['false'] } : s));
      return bootAndTest(ctx, {
        kernelImage: req.kernelImage,
        suites,
        lists: req.lists,
        artifactsDir: req.artifactsDir,
      });
    },
    identity: async () => ({
      configHash: 'bench',
      toolchain: `node ${process.version}`,
      denylist: [],
      lists: [],
    }),
  };
}
