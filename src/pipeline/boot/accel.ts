import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { AppContext } from '../../context.js';
import { baseEnv, runCommand } from '../../exec/run.js';
import { type Accel, qemuArgv } from './qemu-args.js';

export interface AccelProbe {
  accel: Accel;
  reason: string;
  probedAt: string;
}

export interface ProbeOptions {
  /** Kernel for the canary boot; default: the newest /boot/vmlinuz-*. */
  kernelImage?: string;
  /** Ignore the cached answer. */
  force?: boolean;
}

const CACHE_FILE = 'vm/accel-probe.json';
const CACHE_TTL_MS = 24 * 3600_000;

/**
 * KVM or TCG. /dev/kvm can exist and still hang on first use (it does on the project's
 * host), so KVM counts only if a canary boot prints the kernel banner within a short
 * timeout; otherwise TCG. The answer is cached in the state dir for a day: the probe
 * costs up to canaryTimeoutSeconds and the host's KVM does not change between jobs.
 */
export async function probeAccel(ctx: AppContext, options: ProbeOptions = {}): Promise<AccelProbe> {
  const wanted = ctx.config.vm.accel;
  if (wanted !== 'auto')
    return { accel: wanted, reason: 'set in config', probedAt: new Date().toISOString() };
  const cacheFile = join(ctx.stateDir, CACHE_FILE);
  const cached = options.force ? undefined : readCache(cacheFile);
  if (cached) return cached;
  const probe = await canary(ctx, options.kernelImage);
  mkdirSync(join(ctx.stateDir, 'vm'), { recursive: true });
  writeFileSync(cacheFile, `${JSON.stringify(probe, null, 2)}\n`);
  ctx.log.info({ accel: probe.accel, reason: probe.reason }, 'accelerator probed');
  return probe;
}

async function canary(ctx: AppContext, kernelImage?: string): Promise<AccelProbe> {
  const probedAt = new Date().toISOString();
  const tcg = (reason: string): AccelProbe => ({ accel: 'tcg', reason, probedAt });
  if (ctx.config.vm.arch !== hostArch())
    return tcg(`guest arch ${ctx.config.vm.arch} is not the host's`);
  if (!existsSync('/dev/kvm')) return tcg('/dev/kvm does not exist');
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
  } catch {
    return tcg('/dev/kvm is not readable and writable');
  }
  const kernel = kernelImage ?? newestBootKernel();
  if (!kernel) return tcg('no kernel for the KVM canary boot');
  const seconds = ctx.config.vm.canaryTimeoutSeconds;
  const run = await canaryBoot(ctx, { kernel, accel: 'kvm', timeoutSeconds: seconds });
  return run.ok ? { accel: 'kvm', reason: run.reason, probedAt } : tcg(`KVM canary: ${run.reason}`);
}

export interface CanaryResult {
  ok: boolean;
  reason: string;
}

/**
 * Boots `kernel` with no root and no init under `accel`, and stops it as soon as the
 * kernel banner shows on the console: proof that the accelerator executes guest code.
 * A hanging accelerator shows nothing and is killed at the timeout.
 */
export async function canaryBoot(
  ctx: AppContext,
  opts: { kernel: string; accel: Accel; timeoutSeconds: number },
): Promise<CanaryResult> {
  const dir = join(ctx.stateDir, 'vm', 'canary');
  mkdirSync(join(dir, 'out'), { recursive: true });
  const argv = qemuArgv({
    arch: ctx.config.vm.arch,
    accel: opts.accel,
    cpus: 1,
    memoryMb: 256,
    kernel: opts.kernel,
    guestInit: '/nonexistent',
    outDir: join(dir, 'out'),
    consoleLog: join(dir, 'console.log'),
  });
  let banner = false;
  const kill = new AbortController();
  const result = await runCommand(argv, {
    env: baseEnv(),
    timeoutMs: opts.timeoutSeconds * 1000,
    signal: kill.signal,
    onLine: (line) => {
      if (/Linux version \d/.test(line)) {
        banner = true;
        kill.abort();
      }
    },
  });
  if (banner) return { ok: true, reason: `${opts.accel} canary printed the kernel banner` };
  if (result.timedOut)
    return { ok: false, reason: `no kernel banner within ${opts.timeoutSeconds} s` };
  const why = result.stderrTail.trim().split('\n').slice(-1)[0] || `exit ${result.exitCode}`;
  return { ok: false, reason: `failed: ${why}` };
}

function readCache(file: string): AccelProbe | undefined {
  try {
    const probe = JSON.parse(readFileSync(file, 'utf8')) as AccelProbe;
    const fresh = Date.now() - Date.parse(probe.probedAt) < CACHE_TTL_MS;
    return fresh && (probe.accel === 'kvm' || probe.accel === 'tcg') ? probe : undefined;
  } catch {
    return undefined;
  }
}

function newestBootKernel(): string | undefined {
  const images = readdirSync('/boot')
    .filter((f) => f.startsWith('vmlinuz-'))
    .sort();
  const last = images.at(-1);
  return last ? join('/boot', last) : undefined;
}

function hostArch(): string {
  return process.arch === 'x64' ? 'x86_64' : process.arch === 'arm64' ? 'aarch64' : process.arch;
}
