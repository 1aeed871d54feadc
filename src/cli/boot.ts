import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { BLACKLIST_DIR, gitIsAncestor } from '../blacklist/ancestry.js';
import { loadBlacklist } from '../blacklist/load.js';
import { closeContext, openContext } from '../context.js';
import { BotError, EXIT } from '../errors.js';
import { bootAndTest } from '../pipeline/boot/boot-and-test.js';
import { kernelReleaseOf } from '../pipeline/boot/kernel-release.js';
import type { BootResult } from '../verdict/stages.js';
import { formatBootResult } from './boot-print.js';
import { action, printJson } from './common.js';

interface BootFlags {
  suites?: string;
  selftests?: string;
  release?: string;
  artifacts?: string;
  tree?: string;
  json?: boolean;
}

export function registerBoot(program: Command): void {
  program
    .command('boot')
    .argument('<kernel-image>', 'bzImage to boot (a bpfci build, or e.g. /boot/vmlinuz-*)')
    .description('boot a kernel in QEMU with the host root, run suites, print per-test results')
    .option('--suites <names>', 'comma-separated suite names from the config (default: all)')
    .option('--selftests <dir>', 'the built selftests (a bpfci build: <build>/bpfci-selftests)')
    .option('--release <release>', 'kernel release, when it cannot be read from the image')
    .option(
      '--artifacts <dir>',
      'where console.log and results go (default: state/runs/boot-<time>)',
    )
    .option(
      '--tree <git-dir>',
      'tested tree: its selftests DENYLIST*/ALLOWLIST* are merged, entries fixed in its HEAD expire',
    )
    .option('--json', 'print the BootResult as JSON')
    .action(
      action(async (image: string, flags: BootFlags) => {
        const ctx = openContext(program.opts());
        const controller = new AbortController();
        const stop = (): void => controller.abort();
        process.once('SIGINT', stop);
        try {
          const suites = pickSuites(ctx.config.suites, flags.suites);
          if (!existsSync(image))
            throw new BotError('NOT_FOUND', `kernel image not found: ${image}`);
          const release = flags.release ?? kernelReleaseOf(resolve(image));
          const lists = await loadBlacklist({
            dir: BLACKLIST_DIR,
            arch: ctx.config.vm.arch,
            ...(flags.tree
              ? { selftestsDir: join(resolve(flags.tree), 'tools/testing/selftests/bpf') }
              : {}),
            ...(release ? { kernelRelease: release } : {}),
            ...(flags.tree ? { isAncestor: gitIsAncestor(resolve(flags.tree)) } : {}),
          });
          const result = await bootAndTest(ctx, {
            kernelImage: image,
            ...(release ? { kernelRelease: release } : {}),
            ...(flags.selftests ? { selftestsDir: flags.selftests } : {}),
            suites,
            lists: lists.entries,
            artifactsDir: flags.artifacts ?? join(ctx.stateDir, 'runs', `boot-${Date.now()}`),
            signal: controller.signal,
          });
          if (flags.json) printJson(result);
          else process.stdout.write(formatBootResult(result));
          return exitFor(result);
        } finally {
          process.removeListener('SIGINT', stop);
          closeContext(ctx);
        }
      }),
    );
}

function pickSuites<T extends { name: string }>(all: T[], names: string | undefined): T[] {
  if (!names) return all;
  return names.split(',').map((name) => {
    const suite = all.find((s) => s.name === name.trim());
    if (!suite) {
      throw new BotError(
        'USAGE',
        `unknown suite "${name}"; the config has: ${all.map((s) => s.name).join(', ')}`,
      );
    }
    return suite;
  });
}

/** 0 all passed, 1 the kernel or its tests failed, 2 infrastructure. */
export function exitFor(r: BootResult): number {
  if (r.status === 'infra') return EXIT.infra;
  if (r.status !== 'ok') return EXIT.failed;
  if (r.suites.some((s) => s.outcome === 'infra')) return EXIT.infra;
  if (r.suites.some((s) => s.outcome === 'failed')) return EXIT.failed;
  return EXIT.ok;
}
