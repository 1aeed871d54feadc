import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { BotError } from '../../errors.js';

/**
 * The complete environment of a sandboxed make. Built from scratch: nothing of
 * the bot's own environment (tokens, passwords, BPFCI_*) is passed through.
 * KBUILD_BUILD_* pin what would otherwise come from whoami/hostname/date, so
 * two builds of the same tree produce the same init/version.o.
 */
export function buildEnv(opts: {
  ccacheDir?: string;
  ccacheBase?: string;
}): Record<string, string> {
  const env: Record<string, string> = {
    PATH: '/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin',
    HOME: '/tmp',
    TMPDIR: '/tmp',
    LANG: 'C',
    LC_ALL: 'C',
    TZ: 'UTC',
    KBUILD_BUILD_USER: 'bpfci',
    KBUILD_BUILD_HOST: 'bpfci',
    KBUILD_BUILD_TIMESTAMP: 'Thu Jan  1 00:00:00 UTC 2099',
  };
  if (opts.ccacheDir) {
    env.CCACHE_DIR = opts.ccacheDir;
    // Paths under the lane root are hashed relative to it and the build dir is
    // not hashed, so every lane laid out as <root>/{src,build} shares hits.
    if (opts.ccacheBase) env.CCACHE_BASEDIR = opts.ccacheBase;
    env.CCACHE_NOHASHDIR = 'true';
    env.CCACHE_MAXSIZE = '20G';
  }
  return env;
}

/** Finds a program on the host PATH (the sandbox sees the same /usr). */
export function which(program: string): string | undefined {
  const dirs = (process.env.PATH ?? '/usr/bin:/bin').split(delimiter);
  for (const d of dirs) {
    const p = join(d, program);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/**
 * A missing toolchain is the host's fault, never the patch's: it must become an
 * infrastructure error before make runs, not a "build failed" mailed to an author.
 */
export function requireTools(programs: string[]): void {
  const missing = programs.filter((p) => !which(p));
  if (missing.length > 0) {
    throw new BotError(
      'TOOL_MISSING',
      `build tools missing on this host: ${missing.join(', ')} (install them; see scripts/setup.sh)`,
    );
  }
}
