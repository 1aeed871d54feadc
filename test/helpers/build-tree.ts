import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Config } from '../../src/config/schema.js';
import type { AppContext } from '../../src/context.js';
import { openDatabase } from '../../src/db/open.js';
import { gitEnv } from '../../src/exec/git.js';
import { silentLogger } from '../../src/log.js';
import { touchedObjects } from '../../src/pipeline/build/log-parse.js';
import type { BuildTarget } from '../../src/pipeline/build/target.js';

const FAKE = new URL('../fixtures/build/fake-kernel/', import.meta.url).pathname;

export function gitIn(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, env: gitEnv(), encoding: 'utf8' }).trim();
}

/**
 * A world-traversable temp dir: the sandbox runs as an unprivileged uid that
 * must reach the lane's dirs (mkdtemp makes 0700 dirs).
 */
export function openTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

export interface FakeLane {
  root: string;
  target: BuildTarget;
  baseSha: string;
  /** Commits files (path → content) on top of HEAD and returns the new sha. */
  commit(files: Record<string, string>, message: string): string;
  checkout(sha: string): void;
}

/** A lane laid out like a real one (<root>/src, <root>/build) around the fake kernel tree. */
export function fakeLane(): FakeLane {
  const root = openTempDir('bpfci-build-');
  const srcDir = join(root, 'src');
  cpSync(FAKE, srcDir, { recursive: true });
  gitIn(srcDir, 'init', '-q', '-b', 'master');
  gitIn(srcDir, 'add', '-A');
  gitIn(srcDir, 'commit', '-q', '-m', 'base');
  const target = { srcDir, buildDir: join(root, 'build'), ccacheDir: join(root, 'ccache') };
  mkdirSync(target.buildDir);
  return {
    root,
    target,
    baseSha: gitIn(srcDir, 'rev-parse', 'HEAD'),
    commit(files, message) {
      for (const [path, content] of Object.entries(files))
        writeFileSync(join(srcDir, path), content);
      gitIn(srcDir, 'add', '-A');
      gitIn(srcDir, 'commit', '-q', '-m', message);
      return gitIn(srcDir, 'rev-parse', 'HEAD');
    },
    checkout(sha) {
      gitIn(srcDir, 'checkout', '-q', '--detach', sha);
    },
  };
}

/** The objects a kernel build log shows compiled, without kbuild's relink of vmlinux. */
export function compiledBeyondRelink(logPath: string): string[] {
  return touchedObjects(readFileSync(logPath, 'utf8'));
}

/** A context whose config file holds a secret the sandbox must not be able to read. */
export function buildContext(build: Record<string, unknown> = {}): AppContext & { secret: string } {
  const stateDir = openTempDir('bpfci-state-');
  const secret = `s3cret-${process.pid}-${Date.now()}`;
  const configFile = join(stateDir, 'config.yaml');
  writeFileSync(configFile, `version: 1\n# token: ${secret}\n`, { mode: 0o644 });
  const config = Config.parse({
    version: 1,
    state: { dir: stateDir },
    build: { jobs: 2, ...build },
  });
  const db = openDatabase(join(stateDir, 'bpfci.sqlite'));
  return { config, configFile, db, log: silentLogger, stateDir, secret };
}
