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
  /** serial_test_* names: with -j they run after all the others. */
  serial: string[];
}

export interface CommandContext {
  /** Where the selftests are, as the guest sees them (the host path over the 9p root). */
  selftestsDir?: string;
  /** The results share, as the guest sees it. */
  shareDir: string;
  cpus: number;
  timeoutSeconds: number;
  features: TestProgsFeatures;
  /** Normalized deny/allow patterns from the lists that apply to this suite. */
  deny: string[];
  allow: string[];
  /** Restrict to these test names (reruns, bisection). */
  only?: string[];
  /** test_verifier: the `[from [to]]` numbers of `only` in this build's run. */
  verifierRange?: [number, number];
  /** veristat: the object files to verify, relative to the selftests dir. */
  objects?: string[];
}

/** A command run before the suite, its stdout kept in the share (test_progs -l). */
export interface PreCommand {
  argv: string[];
  out: string;
}

export interface GuestCommand {
  argv: string[];
  cwd: string;
  /** Files to write into the results share before the boot (name → content). */
  files: Record<string, string>;
  /** The -J file, in the share, when test_progs writes one. */
  jsonFile?: string;
  pre: PreCommand[];
}

const WATCHDOG_SECONDS = 600;

/** veristat's CSV columns (the first names in 6.1's veristat.c; later trees add more). */
export const VERISTAT_FIELDS = 'file,prog,verdict,duration,total_insns,total_states,peak_states';

/**
 * The argv a suite runs in the guest. Test names never pass through a shell: the job
 * script quotes every argument, and lists go in files when the tree reads @file.
 */
export function guestCommand(suite: SuiteConfig, ctx: CommandContext): GuestCommand {
  const cwd = ctx.selftestsDir ?? '/tmp';
  const plain = (argv: string[]): GuestCommand => ({ argv, cwd, files: {}, pre: [] });
  switch (suite.kind) {
    case 'test_progs':
      return testProgs(suite, ctx, cwd);
    case 'test_verifier':
      // No name filter, only a number range; without known numbers everything runs (31 s
      // under TCG) and the named results are kept.
      return plain(['./test_verifier', ...(ctx.verifierRange?.map(String) ?? [])]);
    case 'test_maps':
      // 6.1's test_maps takes no arguments: it always runs whole.
      return plain(['./test_maps']);
    case 'veristat':
      if (!ctx.objects?.length) {
        throw new BotError('NOT_FOUND', `suite ${suite.name}: no BPF object to verify`);
      }
      return plain(['./veristat', '-o', 'csv', '-e', VERISTAT_FIELDS, ...ctx.objects]);
    case 'kselftest':
    case 'command':
      if (!suite.argv?.length) {
        throw new BotError(
          'CONFIG_INVALID',
          `suites.${suite.name}.argv: required for ${suite.kind}`,
        );
      }
      return plain(suite.argv);
  }
}

function testProgs(suite: SuiteConfig, ctx: CommandContext, cwd: string): GuestCommand {
  const binary = `./${suite.binary ?? 'test_progs'}`;
  const filters: string[] = [];
  const files: Record<string, string> = {};
  const allow = ctx.only?.length ? ctx.only : [...suite.allow, ...ctx.allow];
  const deny = [...ctx.deny, ...suite.deny];
  const list = (flag: string, kind: string, names: string[]): void => {
    if (!names.length) return;
    if (ctx.features.listFiles) {
      const name = `${suite.name}.${kind}`;
      files[name] = `${names.join('\n')}\n`;
      filters.push(`${flag}@${ctx.shareDir}/${name}`);
    } else {
      // 6.1 reads only comma-separated lists; parseList already rejects commas in names.
      filters.push(flag, names.filter((n) => !n.includes(',')).join(','));
    }
  };
  list('-a', 'allow', allow);
  list('-d', 'deny', deny);
  const argv = [binary, ...filters];
  if (ctx.cpus > 1) argv.push(`-j${ctx.cpus}`);
  if (ctx.features.watchdog)
    argv.push('-w', String(Math.min(WATCHDOG_SECONDS, ctx.timeoutSeconds)));
  // What will run, in order (names the test a hang is in), and every test of the binary
  // (tells which deny entries still name a test).
  const pre = [
    { argv: [binary, '-l', ...filters], out: `${suite.name}.list` },
    { argv: [binary, '-l'], out: `${suite.name}.all` },
  ];
  const out: GuestCommand = { argv, cwd, files, pre };
  if (ctx.features.json) {
    out.jsonFile = `${suite.name}.json`;
    argv.push('-J', `${ctx.shareDir}/${out.jsonFile}`);
  }
  return out;
}
