import type { z } from 'zod';
import type { Suite } from '../../config/sections/pipeline.js';
import { BotError } from '../../errors.js';

export type SuiteConfig = z.infer<typeof Suite>;

/** What the tree's test_progs supports, read from its --help strings (see features.ts). */
export interface TestProgsFeatures {
  json: boolean;
  watchdog: boolean;
  /** -a@file / -d@file (came with -J, in 6.4). */
  listFiles: boolean;
}

export interface CommandContext {
  /** Where the selftests are, as the guest sees them (the host path over the 9p root). */
  selftestsDir?: string;
  /** The results share, as the guest sees it. */
  shareDir: string;
  cpus: number;
  timeoutSeconds: number;
  features: TestProgsFeatures;
  deny: string[];
  allow: string[];
  /** Restrict to these test names (reruns, bisection). */
  only?: string[];
}

export interface GuestCommand {
  argv: string[];
  cwd: string;
  /** Files to write into the results share before the boot (name → content). */
  files: Record<string, string>;
  /** The -J file, in the share, when test_progs writes one. */
  jsonFile?: string;
}

const WATCHDOG_SECONDS = 600;

/**
 * The argv a suite runs in the guest. Test names never pass through a shell: the job
 * script quotes every argument, and lists go in files when the tree reads @file.
 */
export function guestCommand(suite: SuiteConfig, ctx: CommandContext): GuestCommand {
  const cwd = ctx.selftestsDir ?? '/tmp';
  switch (suite.kind) {
    case 'test_progs':
      return testProgs(suite, ctx, cwd);
    case 'test_verifier':
      // test_verifier has no name filter (only a [from [to]] number range): `only` is
      // applied by running everything and keeping the named results (31 s under TCG).
      return { argv: ['./test_verifier'], cwd, files: {} };
    case 'test_maps':
      return { argv: ['./test_maps'], cwd, files: {} };
    case 'kselftest':
    case 'command':
      if (!suite.argv?.length) {
        throw new BotError(
          'CONFIG_INVALID',
          `suites.${suite.name}.argv: required for ${suite.kind}`,
        );
      }
      return { argv: suite.argv, cwd, files: {} };
  }
}

function testProgs(suite: SuiteConfig, ctx: CommandContext, cwd: string): GuestCommand {
  const argv = [`./${suite.binary ?? 'test_progs'}`];
  const files: Record<string, string> = {};
  const allow = ctx.only?.length ? ctx.only : [...suite.allow, ...ctx.allow];
  const deny = [...ctx.deny, ...suite.deny];
  const list = (flag: string, kind: string, names: string[]): void => {
    if (!names.length) return;
    if (ctx.features.listFiles) {
      const name = `${suite.name}.${kind}`;
      files[name] = `${names.join('\n')}\n`;
      argv.push(`${flag}@${ctx.shareDir}/${name}`);
    } else {
      // 6.1 reads only comma-separated lists; parseList already rejects commas in names.
      argv.push(flag, names.filter((n) => !n.includes(',')).join(','));
    }
  };
  list('-a', 'allow', allow);
  list('-d', 'deny', deny);
  if (ctx.cpus > 1) argv.push(`-j${ctx.cpus}`);
  if (ctx.features.watchdog)
    argv.push('-w', String(Math.min(WATCHDOG_SECONDS, ctx.timeoutSeconds)));
  const out: GuestCommand = { argv, cwd, files };
  if (ctx.features.json) {
    out.jsonFile = `${suite.name}.json`;
    argv.push('-J', `${ctx.shareDir}/${out.jsonFile}`);
  }
  return out;
}
