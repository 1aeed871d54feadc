import { existsSync, lstatSync, readlinkSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Wraps an argv so that it runs in a bubblewrap sandbox: a patch's Makefile is
 * code from a stranger's mail. Inside the sandbox there is no network, no view
 * of other processes, a read-only system, a private /tmp, and only the paths in
 * `binds` (the lane's source, build and ccache dirs). Nothing of the bot is
 * bound: not its checkout, its config file, its state DB, nor /etc beyond what
 * the loader and `awk` need. The environment is whatever the caller passes to
 * runCommand (always explicit there), so no secret leaks through it either.
 *
 * Privileges, in layers:
 * - When the bot runs as root, `setpriv` first drops to an unprivileged uid/gid
 *   with no supplementary groups, so DAC protects every host file the sandbox
 *   can see and RLIMIT_NPROC applies (the kernel exempts uid 0 from it).
 * - `prlimit` sets RLIMIT_NPROC before that, so a fork bomb hits a wall.
 * - bwrap then unshares every namespace (user, net, pid, ipc, uts, cgroup),
 *   drops all capabilities and sets no_new_privs (setuid binaries do nothing).
 * - `--die-with-parent` plus the pid namespace: when runCommand kills the group
 *   on timeout, every process of the build dies with it.
 */
export interface SandboxBind {
  path: string;
  mode: 'ro' | 'rw';
  /** Host path to bind at `path` (default: the same path). */
  source?: string;
}

export interface SandboxSpec {
  binds: SandboxBind[];
  cwd: string;
  /** The uid/gid the build runs as when the bot is root. */
  uid: number;
  maxProcesses: number;
}

/** /etc entries the toolchain needs: the loader cache and Debian's alternatives (awk). */
const ETC_FILES = [
  '/etc/ld.so.cache',
  '/etc/ld.so.conf',
  '/etc/alternatives',
  '/etc/passwd',
  '/etc/group',
];
const SYSTEM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];

export function sandboxArgv(argv: string[], spec: SandboxSpec): string[] {
  const prefix = ['prlimit', `--nproc=${spec.maxProcesses}:${spec.maxProcesses}`, '--'];
  if (process.getuid?.() === 0) {
    prefix.push('setpriv', `--reuid=${spec.uid}`, `--regid=${spec.uid}`, '--clear-groups', '--');
  }
  return [...prefix, 'bwrap', ...bwrapArgs(spec), '--', ...argv];
}

function bwrapArgs(spec: SandboxSpec): string[] {
  const args = [
    '--unshare-all',
    '--unshare-user',
    '--die-with-parent',
    '--new-session',
    '--cap-drop',
    'ALL',
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--tmpfs',
    '/tmp',
    '--hostname',
    'bpfci-build',
  ];
  for (const dir of SYSTEM_DIRS) args.push(...systemEntry(dir));
  for (const file of ETC_FILES) if (existsSync(file)) args.push('--ro-bind', file, file);
  for (const b of spec.binds) {
    const path = resolve(b.path);
    args.push(b.mode === 'rw' ? '--bind' : '--ro-bind', resolve(b.source ?? path), path);
  }
  // The sandbox's own root is a tmpfs; make it read-only too, so a rule that
  // writes "outside the lane" fails loudly instead of writing into the void.
  args.push('--remount-ro', '/', '--chdir', resolve(spec.cwd));
  return args;
}

/** Debian 12 has a merged /usr: /bin etc. are symlinks, which must stay symlinks. */
function systemEntry(dir: string): string[] {
  let st: ReturnType<typeof lstatSync>;
  try {
    st = lstatSync(dir);
  } catch {
    return [];
  }
  if (st.isSymbolicLink()) return ['--symlink', readlinkSync(dir), dir];
  return ['--ro-bind', dir, dir];
}

/**
 * The sandbox's uid must be able to write the dirs it builds in. When the bot
 * runs as root (and so drops to `uid` in sandboxArgv), hand them over. The
 * check is `find ... ! -uid` with -quit, not just the top dir: a root-owned
 * leftover deep inside (a build or ccache run outside the sandbox) would
 * otherwise make the sandboxed make fail. Not root: the sandbox runs as the
 * bot's own uid and owns them already. Returns the argv to run.
 */
export function ownershipFix(
  path: string,
  uid: number,
): { check: string[]; fix: string[] } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  return {
    check: ['find', path, '!', '-uid', String(uid), '-print', '-quit'],
    fix: ['chown', '-R', `${uid}:${uid}`, path],
  };
}
