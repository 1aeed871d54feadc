import { chownSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerBuild } from '../../../src/cli/build.js';
import { BotError } from '../../../src/errors.js';
import { bisectBuild } from '../../../src/pipeline/build/bisect.js';
import { buildKernel } from '../../../src/pipeline/build/kernel.js';
import { buildSelftests } from '../../../src/pipeline/build/selftests.js';
import { selftestsDir } from '../../../src/pipeline/build/target.js';
import { buildContext, fakeLane, gitIn, openTempDir } from '../../helpers/build-tree.js';

const WARN_C = 'int helper(int x)\n{\n\tint unused;\n\treturn x;\n}\n';
const BROKEN_C = 'int helper(int x)\n{\n\treturn x +;\n}\n';

describe('buildKernel on a fake kernel tree (sandboxed)', () => {
  it('builds, then rebuilds only the touched object', async () => {
    const ctx = buildContext();
    const lane = fakeLane();
    const logs = openTempDir('bpfci-logs-');
    const first = await buildKernel(ctx, lane.target, {
      profile: 'minimal',
      logDir: join(logs, '1'),
    });
    expect(first.status).toBe('pass');
    expect(first.compiled).toBe(2);
    expect(existsSync(join(lane.target.buildDir, 'vmlinux'))).toBe(true);
    // A root-owned leftover (a make run outside the sandbox) must not break the next build.
    if (process.getuid?.() === 0) chownSync(join(lane.target.buildDir, 'helper.o'), 0, 0);
    lane.commit({ 'helper.c': 'int helper(int x)\n{\n\treturn x + 1;\n}\n' }, 'one-file change');
    const second = await buildKernel(ctx, lane.target, {
      profile: 'minimal',
      logDir: join(logs, '2'),
    });
    expect(second.status).toBe('pass');
    expect(second.compiled).toBe(1);
    expect(readFileSync(join(logs, '2', 'kernel.log'), 'utf8')).toMatch(/ {2}CC {6}helper\.o/);
  });

  it('reports the first error as file:line: message with context', async () => {
    const ctx = buildContext();
    const lane = fakeLane();
    lane.commit({ 'helper.c': BROKEN_C }, 'break it');
    const r = await buildKernel(ctx, lane.target, {
      profile: 'minimal',
      logDir: openTempDir('bpfci-logs-'),
    });
    expect(r.status).toBe('fail');
    expect(r.firstError?.file).toBe('helper.c');
    expect(r.firstError?.line).toBe(3);
    expect(r.firstError?.message).toMatch(/expected expression/);
    expect(r.firstError?.context).toContain('return x +;');
  });

  it('reports only warnings the base build of the lane did not have', async () => {
    const ctx = buildContext();
    const lane = fakeLane();
    const logs = openTempDir('bpfci-logs-');
    const base = await buildKernel(ctx, lane.target, {
      profile: 'minimal',
      logDir: join(logs, 'base'),
      baseSha: lane.baseSha,
    });
    expect(base.status).toBe('pass');
    expect(base.newWarnings).toEqual([]);
    lane.commit({ 'helper.c': WARN_C }, 'add a warning');
    const r = await buildKernel(ctx, lane.target, {
      profile: 'minimal',
      logDir: join(logs, 'series'),
      baseSha: lane.baseSha,
    });
    expect(r.status).toBe('pass');
    expect(r.warnings).toBe(1);
    expect(r.newWarnings).toEqual([
      "helper.c:3: warning: unused variable 'unused' [-Wunused-variable]",
    ]);
  });

  it('a missing compiler is an infrastructure error, not a failed build', async () => {
    const ctx = buildContext({ cc: 'gcc-not-installed-here' });
    const lane = fakeLane();
    const err = await buildKernel(ctx, lane.target, {
      profile: 'minimal',
      logDir: openTempDir('bpfci-logs-'),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BotError);
    expect((err as BotError).code).toBe('TOOL_MISSING');
    expect((err as BotError).message).toContain('gcc-not-installed-here');
  });

  it('a missing clang stops the selftests build the same way, before make runs', async () => {
    const ctx = buildContext({ clang: 'clang-not-installed-here' });
    const lane = fakeLane();
    const logDir = openTempDir('bpfci-logs-');
    const err = await buildSelftests(ctx, lane.target, { profile: 'minimal', logDir }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'TOOL_MISSING' });
    expect((err as BotError).message).toContain('clang-not-installed-here');
    expect(existsSync(join(logDir, 'selftests.log'))).toBe(false);
  });
});

describe('bisectBuild with incremental builds in a real git repo', () => {
  it('names patch 2 of 3 when patch 2 breaks the build', async () => {
    const ctx = buildContext();
    const lane = fakeLane();
    const shas = [
      lane.baseSha,
      lane.commit({ 'extra.c': 'int extra(void) { return 1; }\n' }, 'patch 1: add extra.c'),
      lane.commit({ 'helper.c': BROKEN_C }, 'patch 2: break helper.c'),
      lane.commit({ 'more.c': 'int more(void) { return 2; }\n' }, 'patch 3: add more.c'),
    ];
    const logs = openTempDir('bpfci-logs-');
    let n = 0;
    const full = await buildKernel(ctx, lane.target, {
      profile: 'minimal',
      logDir: join(logs, 'full'),
    });
    expect(full.status).toBe('fail');
    const visited: number[] = [];
    const r = await bisectBuild({
      count: 3,
      checkoutPatch: async (k) => {
        visited.push(k);
        lane.checkout(shas[k] as string);
      },
      build: () =>
        buildKernel(ctx, lane.target, { profile: 'minimal', logDir: join(logs, `b${++n}`) }),
    });
    expect(r.guiltyPatch).toBe(2);
    expect(r.guiltyBuild?.firstError?.file).toBe('helper.c');
    // ceil(log2 3) = 2 builds, and the lane is left with the whole series applied.
    expect(r.steps).toHaveLength(2);
    expect(visited.at(-1)).toBe(3);
  });
});

describe('buildSelftests on the fake tree', () => {
  it('builds into the build area and never writes the lane checkout', async () => {
    const ctx = buildContext();
    const lane = fakeLane();
    const r = await buildSelftests(ctx, lane.target, {
      profile: 'minimal',
      logDir: openTempDir('bpfci-logs-'),
    });
    expect(r.status, r.firstError?.message).toBe('pass');
    expect(existsSync(join(selftestsDir(lane.target), 'test_verifier'))).toBe(true);
    const inTree = join(lane.target.srcDir, 'tools/testing/selftests/bpf/tests.h');
    expect(existsSync(inTree)).toBe(false);
    expect(gitIn(lane.target.srcDir, 'status', '--porcelain', '--ignored')).toBe('');
  });
});

describe('buildSelftests: what a kernel relink costs the BPF objects', () => {
  const MAIN_C = (types: string) =>
    `int helper(int x);\nconst char fake_btf[] = "BTF: ${types};";\nint main(void) { return helper(0); }\n`;

  it('keeps them when no BTF type changed, rebuilds bpf_testmod.ko, and links urandom_read as 6.1 does', async () => {
    const ctx = buildContext();
    const lane = fakeLane();
    const logs = openTempDir('bpfci-logs-');
    let n = 0;
    const round = async () => {
      const dir = join(logs, String(++n));
      const kernel = await buildKernel(ctx, lane.target, { profile: 'selftests', logDir: dir });
      expect(kernel.status, kernel.firstError?.message).toBe('pass');
      const st = await buildSelftests(ctx, lane.target, {
        profile: 'selftests',
        logDir: dir,
        targets: ['test_progs'],
      });
      expect(st.status, st.firstError?.message).toBe('pass');
      return readFileSync(join(dir, 'selftests.log'), 'utf8');
    };
    const built = (log: string) =>
      ['CLNG-BPF', 'MOD', 'urandom_read'].filter((what) => log.includes(what));

    expect(built(await round())).toEqual(['CLNG-BPF', 'MOD', 'urandom_read']);
    const header = join(selftestsDir(lane.target), 'tools', 'include', 'vmlinux.h');
    expect(readFileSync(header, 'utf8')).toBe('BTF: struct task_struct;\n');

    // A relink with the same types: vmlinux is newer, vmlinux.h's text is not.
    lane.commit({ 'main.c': MAIN_C('struct task_struct') }, 'same types, new vmlinux');
    expect(built(await round())).toEqual(['MOD']);

    lane.commit({ 'main.c': MAIN_C('struct task_struct; struct bpf_prog') }, 'a new type');
    expect(built(await round())).toEqual(['CLNG-BPF', 'MOD']);
    expect(readFileSync(header, 'utf8')).toContain('struct bpf_prog');
  });
});

describe('bpfci build --src', () => {
  it('builds kernel and selftests and prints the verdict as JSON; a broken tree exits 1', async () => {
    const ctx = buildContext();
    const lane = fakeLane();
    const run = async (src: string) => {
      const program = new Command('bpfci').option('-c, --config <file>').exitOverride();
      registerBuild(program);
      const out: string[] = [];
      const write = process.stdout.write;
      process.stdout.write = ((s: string) => out.push(s) > 0) as typeof process.stdout.write;
      try {
        await program.parseAsync([
          'node',
          'bpfci',
          '-c',
          ctx.configFile,
          'build',
          '--src',
          src,
          '--profile',
          'minimal',
          '--json',
        ]);
      } finally {
        process.stdout.write = write;
      }
      const code = process.exitCode;
      process.exitCode = 0;
      return { code, verdict: JSON.parse(out.join('')) };
    };
    writeFileSync(
      ctx.configFile,
      `version: 1\nstate:\n  dir: ${ctx.stateDir}\nbuild:\n  jobs: 2\n`,
    );
    const ok = await run(lane.target.srcDir);
    expect(ok.code).toBe(0);
    expect(
      ok.verdict.results.map((r: { target: string; status: string }) => `${r.target}:${r.status}`),
    ).toEqual(['kernel:pass', 'selftests:pass']);
    expect(ok.verdict.kernelImage).toContain(join(lane.root, 'build', 'minimal'));

    lane.commit({ 'helper.c': BROKEN_C }, 'break it');
    const bad = await run(lane.target.srcDir);
    expect(bad.code).toBe(1);
    expect(bad.verdict.results).toHaveLength(1);
    expect(bad.verdict.results[0].firstError.file).toBe('helper.c');
  });
});
