import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ScopedEntry } from '../../blacklist/load.js';
import { normalizePatterns } from '../../blacklist/match.js';
import { listsForSuite } from '../../blacklist/suite-lists.js';
import type { AppContext } from '../../context.js';
import { BotError } from '../../errors.js';
import type { BootResult, Crash } from '../../verdict/stages.js';
import { testProgsFeatures } from '../suites/features.js';
import { type GuestCommand, guestCommand, type SuiteConfig } from '../suites/guest-command.js';
import { veristatObjects } from '../suites/veristat-objects.js';
import { probeAccel } from './accel.js';
import { collectSuite } from './collect.js';
import { detectCrashes } from './crash.js';
import { blameMissingTools, missingGuestTools } from './guest-tools.js';
import { ensureInitramfs, GUEST_DIR, modulesDirFor } from './initramfs.js';
import { GUEST_SELFTESTS, GUEST_SHARE, jobScript } from './job-script.js';
import { kernelReleaseOf } from './kernel-release.js';
import { runVm } from './run-vm.js';
import { bootStatus } from './verdict.js';

export interface BootRequest {
  kernelImage: string;
  kernelRelease?: string;
  /** Host path of the built selftests; shared read-only, the suites run in it. */
  selftestsDir?: string;
  suites: SuiteConfig[];
  /** Restrict a suite to named tests (flaky reruns, bisection). */
  only?: Record<string, string[]>;
  /** test_verifier suites: the `[from to]` numbers of their `only` tests in this build. */
  verifierRanges?: Record<string, [number, number]>;
  /** Every deny/allow entry of the run; each suite takes the ones that apply to it. */
  lists: ScopedEntry[];
  /** Everything of this run goes here: console.log, share/ (job, outputs), qemu.stderr. */
  artifactsDir: string;
  signal?: AbortSignal;
  /** A modular kernel's 9p/virtio modules, when not in /lib/modules/<release>. */
  modulesDir?: string;
}

/**
 * Boots the kernel in QEMU with the host root, runs the suites in the guest and turns
 * what comes back into a BootResult: per-suite, per-test results, the splats found on the
 * console and in dmesg, and one status judged from markers and named timeouts.
 */
export async function bootAndTest(ctx: AppContext, req: BootRequest): Promise<BootResult> {
  const started = Date.now();
  const kernel = resolve(req.kernelImage);
  if (!existsSync(kernel)) throw new BotError('NOT_FOUND', `kernel image not found: ${kernel}`);
  const artifacts = resolve(req.artifactsDir);
  const share = join(artifacts, 'share');
  rmSync(share, { recursive: true, force: true });
  mkdirSync(share, { recursive: true });
  const release = req.kernelRelease ?? kernelReleaseOf(kernel);
  const { accel } = await probeAccel(ctx);
  const vm = ctx.config.vm;
  const suiteTimeout = (s: SuiteConfig): number => s.timeoutSeconds ?? vm.suiteTimeoutSeconds;
  const commands = new Map<string, GuestCommand>();
  const lists = new Map(req.suites.map((s) => [s.name, listsForSuite(req.lists, s)]));
  const features = new Map(
    req.suites.map((s) => [
      s.name,
      testProgsFeatures(s.kind === 'test_progs' ? req.selftestsDir : undefined, s.binary),
    ]),
  );
  for (const suite of req.suites) {
    const mine = lists.get(suite.name) ?? { deny: [], allow: [] };
    const range = req.verifierRanges?.[suite.name];
    const cmd = guestCommand(suite, {
      ...(req.selftestsDir ? { selftestsDir: GUEST_SELFTESTS } : {}),
      shareDir: GUEST_SHARE,
      cpus: vm.cpus,
      timeoutSeconds: suiteTimeout(suite),
      features: features.get(suite.name) ?? testProgsFeatures(undefined),
      deny: normalizePatterns(mine.deny),
      allow: normalizePatterns(mine.allow),
      ...(req.only?.[suite.name] ? { only: req.only[suite.name] } : {}),
      ...(range ? { verifierRange: range } : {}),
      ...(suite.kind === 'veristat' ? { objects: objectsFor(req, suite) } : {}),
    });
    for (const [name, text] of Object.entries(cmd.files)) writeFileSync(join(share, name), text);
    commands.set(suite.name, cmd);
  }
  // What each suite ran, for the run's artifacts and for anyone reproducing it.
  writeFileSync(
    join(artifacts, 'argv.json'),
    `${JSON.stringify(Object.fromEntries([...commands].map(([n, c]) => [n, [c.argv, ...c.pre.map((p) => p.argv)]])), null, 2)}\n`,
  );
  const job = join(share, 'job.sh');
  writeFileSync(
    job,
    jobScript(
      req.suites.map((s) => ({
        name: s.name,
        ...pick(commands.get(s.name)),
        pre: commands.get(s.name)?.pre ?? [],
        timeoutSeconds: suiteTimeout(s),
      })),
    ),
  );
  chmodSync(job, 0o755);
  const modulesDir = req.modulesDir ?? modulesDirFor(release);
  const consoleLog = join(artifacts, 'console.log');
  const plan = {
    arch: vm.arch,
    accel,
    cpus: vm.cpus,
    memoryMb: vm.memoryMb,
    kernel,
    ...(modulesDir && release
      ? { initrd: ensureInitramfs(ctx.stateDir, release, modulesDir) }
      : {}),
    guestInit: join(GUEST_DIR, 'init'),
    outDir: share,
    ...(req.selftestsDir ? { selftestsDir: resolve(req.selftestsDir) } : {}),
    consoleLog,
    kernelArgs: vm.kernelArgs,
  };
  ctx.log.info({ kernel, release, accel, suites: req.suites.map((s) => s.name) }, 'booting guest');
  const outcome = await runVm(
    plan,
    {
      bootMs: vm.bootTimeoutSeconds * 1000,
      totalMs: vm.totalTimeoutSeconds * 1000,
      suiteMs: (name) =>
        (req.suites.find((s) => s.name === name)?.timeoutSeconds ?? vm.suiteTimeoutSeconds) * 1000,
    },
    ctx.log,
    req.signal,
  );
  writeFileSync(join(artifacts, 'qemu.stderr'), outcome.stderrTail);
  if (outcome.cancelled) throw new BotError('CANCELLED', 'boot cancelled');
  const consoleText = existsSync(consoleLog) ? readFileSync(consoleLog, 'utf8') : '';
  const crashes = uniqueCrashes([
    consoleText,
    read(share, 'dmesg-boot.txt'),
    read(share, 'dmesg.txt'),
  ]);
  const missingTools = missingGuestTools();
  const suites = req.suites.map((s) => {
    const jsonFile = commands.get(s.name)?.jsonFile;
    const only = req.only?.[s.name];
    const mine = lists.get(s.name);
    const collected = collectSuite(share, s, {
      timeoutSeconds: suiteTimeout(s),
      ...(jsonFile ? { jsonFile } : {}),
      ...(only ? { only } : {}),
      ...(mine ? { lists: mine } : {}),
      serial: features.get(s.name)?.serial ?? [],
      parallel: commands.get(s.name)?.argv.some((a) => /^-j\d+$/.test(a)) ?? false,
    });
    return blameMissingTools(collected, missingTools);
  });
  const result: BootResult = {
    ...bootStatus(outcome, crashes, consoleText),
    kernel,
    accel,
    suites,
    crashes,
    consolePath: consoleLog,
    durationMs: Date.now() - started,
    completed: outcome.state.done,
    ...(release ? { kernelRelease: release } : {}),
    ...(missingTools.length ? { missingTools } : {}),
  };
  ctx.log.info(
    { status: result.status, reason: result.reason, ms: result.durationMs },
    'guest finished',
  );
  return result;
}

function pick(cmd: GuestCommand | undefined): { argv: string[]; cwd: string } {
  if (!cmd) throw new BotError('INTERNAL', 'suite without a command');
  return { argv: cmd.argv, cwd: cmd.cwd };
}

function read(dir: string, name: string): string {
  const path = join(dir, name);
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

function uniqueCrashes(texts: string[]): Crash[] {
  const byPrint = new Map<string, Crash>();
  for (const crash of texts.flatMap(detectCrashes))
    if (!byPrint.has(crash.fingerprint)) byPrint.set(crash.fingerprint, crash);
  return [...byPrint.values()];
}

/** veristat results are named `<object>/<prog>`: a rerun verifies only those objects. */
function objectsFor(req: BootRequest, suite: SuiteConfig): string[] {
  const only = req.only?.[suite.name];
  const allow = only ? [...new Set(only.map((n) => n.split('/')[0] ?? n))] : suite.allow;
  return veristatObjects(req.selftestsDir, allow);
}
