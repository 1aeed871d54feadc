import { writeFileSync } from 'node:fs';
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
  const work = join(upstream, '..', `work-${n}`);
  await git(upstream, 'worktree', 'add', '-q', '--detach', work, 'master');
  writeFileSync(join(work, `change-${n}.txt`), `change ${n}\n`);
  await git(work, 'add', '-A');
  await git(work, 'commit', '-q', '-m', `bench: change ${n}`);
  const raw = (await git(work, 'format-patch', '-1', '--stdout', 'HEAD')).stdoutTail;
  await git(upstream, 'worktree', 'remove', '--force', work);
  return Buffer.from(
    raw
      .replace(/^From [0-9a-f]{40} .*\n/, '')
      .replace(
        /^Subject: .*$/m,
        (s) => `${s}\nMessage-ID: <bench-judge-${process.pid}-${n}@bench.example>`,
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
    bootAndTest: (ctx, req) =>
      bootAndTest(ctx, {
        kernelImage: req.kernelImage,
        suites: req.suites,
        lists: req.lists,
        artifactsDir: req.artifactsDir,
      }),
    identity: async () => ({
      configHash: 'bench',
      toolchain: `node ${process.version}`,
      denylist: [],
      lists: [],
    }),
  };
}
