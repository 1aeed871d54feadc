import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BotError } from '../errors.js';

/**
 * When the bot runs as root, the sandbox drops to an unprivileged uid before
 * bwrap binds the lane's directories; that uid must be able to walk to them.
 * A 0700 parent (a mkdtemp dir, a home dir) would otherwise surface as a base
 * that "does not build". Say what to fix instead.
 */
export function assertReachableByOthers(paths: string[]): void {
  for (const path of paths) {
    for (let dir = dirname(resolve(path)); ; dir = dirname(dir)) {
      const mode = statSync(dir, { throwIfNoEntry: false })?.mode;
      if (mode !== undefined && (mode & 0o001) === 0) {
        throw new BotError(
          'SANDBOX_UNREACHABLE',
          `the build sandbox's uid cannot reach ${path}: ${dir} is not searchable by others (chmod o+x ${dir}, or run bpfci as an unprivileged user)`,
        );
      }
      if (dir === dirname(dir)) break;
    }
  }
}
