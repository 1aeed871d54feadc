import { chmodSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../src/db/open.js';
import { cacheRoot, prepareKernelTree } from '../../src/pipeline/build/base-tree.js';
import { onOlderKernel } from '../../src/verdict/suites.js';
import type { Verdict } from '../../src/verdict/verdict.js';
import { compiledBeyondRelink, gitIn } from '../helpers/build-tree.js';
import {
  type DaemonSetup,
  daemonSetup,
  mailEveryVerdict,
  requireBuild,
  spawnCli,
} from '../helpers/daemon-cli.js';
import { until } from '../helpers/daemon-deps.js';
import { DEBIAN_ONLY, debianOlderKernel } from '../helpers/debian-kernel.js';
import { type Dovecot, imapSource, startDovecot } from '../helpers/dovecot.js';
import { KERNEL_SERIES_DIR } from '../helpers/kernel-series.js';
import { type PatchworkFake, startPatchworkFake } from '../helpers/patchwork-fake/index.js';
import { type PublicInbox, startPublicInbox } from '../helpers/public-inbox.js';
import { printRunTimings } from '../helpers/run-timings.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';
import { KERNEL_TIER, TIER_BRANCH, tierBranch } from '../helpers/tier-branch.js';
import { processesFor } from '../helpers/vm.js';

/**
 * The whole mission on the real thing, in the kernel tier's profile (KERNEL_TIER):
 * - `selftests` (CI's, `npm run test:kernel`): the `selftests` profile and the battery below;
 * - `minimal` (`npm run test:kernel:minimal`): the `minimal` profile and test_verifier alone.
 *
 * Debian's linux-source-6.1 as the lane's tree,
 * two series written for it posted to a real public-inbox, to the Patchwork fake and
 * to a real Dovecot mailbox the bot subscribes to over IMAP. `bpfci run --once` runs
 * the real pipeline (git am, sandboxed make of the profile, the selftests built against
 * it, QEMU under TCG) with its suites. Then the judge, and
 * the reports: mail through an in-process SMTP server that delivers into the list's
 * Dovecot mailbox, checks to the fake. The good series passes; patch 2 of the bad one
 * breaks test_verifier's `add+sub+mul` (and, in the battery, test_progs' `global_data`),
 * blamed on it by bisection, with reruns and probes running only the failing tests; in
 * the battery the tree's own DENYLIST entry for `get_stack_raw_tp` shows as denied, and
 * the good series' rebuild keeps every BPF object. `bpfci serve` shows it on the
 * run page the mail links to. Then the daemon proper is stopped with SIGTERM in a real
 * make and in a real QEMU, and must leave neither behind; and `bpfci build` of a series
 * on the warm lane recompiles only the file its patches touch, and skips kconfig when run again.
 * This is `npm test`'s one cold kernel build (13 minutes on a quiet 2-core host for the
 * selftests profile); the base repo and ccache live in the cache dir (BPFCI_CACHE).
 */
const LIST = 'Lists/bpf';
/**
 * The production battery cut to what TCG runs in a few minutes: test_progs on a subset
 * (get_stack_raw_tp is in the 6.1 tree's own DENYLIST; ksyms_module needs bpf_testmod;
 * kprobe_multi_test needs CONFIG_FPROBE, which Debian's kernel lacks),
 * veristat on small objects of the tree's veristat.cfg.
 */
const PROGS = [
  'align',
  'atomics',
  'global_data',
  'ksyms_module',
  'map_init',
  'timer',
  'get_stack_raw_tp',
  DEBIAN_ONLY,
];
const BATTERY_TIER = KERNEL_TIER === 'selftests';
const BATTERY = [
  { name: 'test_progs', kind: 'test_progs', allow: PROGS },
  { name: 'test_verifier', kind: 'test_verifier' },
  { name: 'test_maps', kind: 'test_maps' },
  {
    name: 'veristat',
    kind: 'veristat',
    allow: ['bpf_flow.bpf.o', 'loop4.bpf.o', 'test_l4lb.bpf.o'],
  },
];
const SUITES = BATTERY_TIER ? BATTERY : [{ name: 'test_verifier', kind: 'test_verifier' }];
/** The failures patch 2 of the bad series causes, in the suites the tier runs. */
const BROKEN = [
  ['test_progs', 'global_data'],
  ['test_verifier', 'add+sub+mul [p]'],
].filter(([suite]) => SUITES.some((s) => s.name === suite));
/** Debian's stock kernel as the older kernel of the battery tier's matrix. */
const DEBIAN = debianOlderKernel('debian-6.1');
const ON_DEBIAN = onOlderKernel('test_progs', DEBIAN.name);
/** patch 2 breaks global_data on every kernel: on Debian's too, blamed there as well. */
const BROKEN_EVERYWHERE: string[][] = BATTERY_TIER
  ? [...BROKEN, [ON_DEBIAN, 'global_data']]
  : BROKEN;
let pi: PublicInbox;
let pw: PatchworkFake;
let dc: Dovecot;
let smtp: SmtpSink;
let setup: DaemonSetup;
let env: Record<string, string>;
let db: Db;

beforeAll(async () => {
  requireBuild();
  const repo = await prepareKernelTree(cacheRoot());
  if (BATTERY_TIER) tierBranch(repo);
  pi = await startPublicInbox({ indexLevel: 'basic' });
  pw = await startPatchworkFake({ seed: 'empty' });
  dc = await startDovecot();
  smtp = await startSmtpSink((raw) => dc.append(raw, { mailbox: LIST }));
  setup = daemonSetup({
    trees: { 'bpf-next': { upstream: repo, branch: BATTERY_TIER ? TIER_BRANCH : 'master' } },
    routing: { default: 'bpf-next', tags: { 'bpf-next': 'bpf-next' } },
    sources: {
      lore: { url: pi.url, intervalSeconds: 60, timeoutSeconds: 30 },
      patchwork: { url: pw.apiUrl, project: 'netdevbpf', tokenEnv: 'PW_TOKEN' },
      imap: imapSource(dc, LIST),
    },
    build: {
      profile: KERNEL_TIER,
      ccacheDir: join(cacheRoot(), 'ccache'),
    },
    // A suite here takes under a minute; a stalled guest costs 5 minutes, not 15.
    vm: { cpus: 2, memoryMb: 2048, suiteTimeoutSeconds: 300 },
    suites: SUITES,
    // The older-kernel matrix on Debian's stock kernel, test_progs only (the costly part
    // under TCG is the boot, not the suite).
    ...(BATTERY_TIER ? { matrix: { kernels: [DEBIAN], suites: ['test_progs'] } } : {}),
    judge: { reruns: 1 },
    report: mailEveryVerdict(smtp.port),
    daemon: { minFreeDiskGb: 0, shutdownGraceSeconds: 2 },
  });
  // Run as root, the build drops to an unprivileged uid that must reach the lane.
  chmodSync(setup.dir, 0o755);
  env = { BPFCI_TEST_PIPELINE: '', PW_TOKEN: pw.token, IMAP_PASSWORD: dc.password };
  db = openDatabase(join(setup.stateDir, 'bpfci.sqlite'));
}, 1_800_000);

afterAll(async () => {
  if (db) printRunTimings(db, `kernel tier (${KERNEL_TIER}): the bot's runs`);
  db?.close();
  await pi?.stop();
  await pw?.stop();
  await smtp?.stop();
  await dc?.stop();
});

type SeriesName = 'good' | 'bad' | 'good-v2';

/**
 * The series' mails as the list would carry them (without git's mbox From_ line).
 * `good-v2` is the good series re-rolled without its selftests patch, as a reviewer may
 * ask: new Message-IDs, `v2` in the subjects, a kernel-only series.
 */
function mails(name: SeriesName): Buffer[] {
  const dir = join(KERNEL_SERIES_DIR, name === 'good-v2' ? 'good' : name);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.patch'))
    .sort()
    .slice(0, name === 'good-v2' ? 2 : undefined)
    .map((f) => {
      let text = readFileSync(join(dir, f), 'utf8').replace(/^From [0-9a-f]{40} .*\n/, '');
      // Without its base-commit: trailer the series goes on the tier branch's head.
      if (BATTERY_TIER) text = text.replace(/^base-commit: [0-9a-f]+\n/m, '');
      if (name === 'good-v2') {
        const head = text.slice(0, text.indexOf('\n\n'));
        const rerolled = head
          .replace(/^(Message-Id|In-Reply-To|References):(.*)$/gim, (line) =>
            line.replace(/<([^>]+)>/g, '<v2.$1>'),
          )
          .replace(/^Subject: \[PATCH bpf-next (\d)\/2\]/m, 'Subject: [PATCH bpf-next v2 $1/1]');
        text = rerolled + text.slice(head.length);
      }
      return Buffer.from(text);
    });
}

async function post(name: SeriesName): Promise<number[]> {
  const [cover, ...patches] = mails(name);
  await pi.importMails([cover as Buffer, ...patches]);
  for (const mail of [cover as Buffer, ...patches]) await dc.append(mail, { mailbox: LIST });
  return pw.addSeries({ cover, patches, delegate: 'ci-bot' }).patchIds;
}

function messageId(raw: Buffer): string | undefined {
  return /^Message-Id:\s*(<[^>]+>)/im.exec(raw.toString())?.[1];
}

const verdictOf = (seriesId: number): Verdict =>
  JSON.parse(
    db
      .prepare<[number], { v: string }>('SELECT verdict_json AS v FROM jobs WHERE series_id = ?')
      .get(seriesId)?.v ?? 'null',
  );
const seriesIds = () =>
  db
    .prepare<[], { id: number }>('SELECT id FROM series ORDER BY id')
    .all()
    .map((r) => r.id);

describe('e2e: a real kernel series through bpfci run --once', () => {
  it('passes the good series and blames patch 2 of the bad one', async () => {
    const goodPatches = await post('good');
    const first = spawnCli(setup, ['run', '--once'], env);
    expect(await first.exit, first.stderr().slice(-4000)).toBe(0);
    const [good] = seriesIds();
    const goodVerdict = verdictOf(good as number);
    expect(goodVerdict.verdict, goodVerdict.summary).toBe('success');
    expect(goodVerdict.failures).toEqual([]);
    // Every suite ran on the series kernel; in the battery the tree's DENYLIST entry shows.
    const suites = goodVerdict.boot?.suites ?? [];
    expect(suites.map((r) => [r.suite, r.outcome])).toEqual(SUITES.map((b) => [b.name, 'ok']));
    for (const r of suites) expect(r.tests.length, r.suite).toBeGreaterThan(0);
    // The real test_verifier, parsed by name: every test has a privileged run, names are
    // unique, and a config that lacks some program types skips a share, but most pass.
    const verifier = suites.find((r) => r.suite === 'test_verifier');
    expect(verifier?.tests.filter((t) => t.status === 'pass').length).toBeGreaterThan(500);
    expect(verifier?.tests.some((t) => t.name.endsWith(' [p]'))).toBe(true);
    expect(new Set(verifier?.tests.map((t) => t.name)).size).toBe(verifier?.tests.length);
    expect(goodVerdict.boot?.kernelRelease).toMatch(/^6\.1\.\d+/);
    if (BATTERY_TIER) {
      const progs = suites.find((r) => r.suite === 'test_progs');
      expect(progs?.denied?.map((d) => d.name)).toEqual(['get_stack_raw_tp']);
      expect(progs?.denied?.[0]?.source).toMatch(/\/tools\/testing\/selftests\/bpf\/DENYLIST:\d+$/);
      expect(progs?.tests.map((t) => t.name)).not.toContain('get_stack_raw_tp');
      // A series with a selftests change runs on Debian's kernel too, with that kernel's
      // own list: what it cannot pass is denied there, and the series still passes.
      expect(goodVerdict.matrix?.ran).toBe(true);
      const [debian] = goodVerdict.matrix?.kernels ?? [];
      expect(debian).toMatchObject({ name: DEBIAN.name, status: 'tested' });
      expect(debian?.release).toMatch(/^6\.1\.0-\d+-amd64$/);
      const onDebian = debian?.boot?.suites.find((r) => r.suite === 'test_progs');
      expect(onDebian?.tests.filter((t) => t.status === 'pass').length).toBeGreaterThan(3);
      expect(onDebian?.denied?.map((d) => [d.name, d.source.replace(/:\d+$/, '')])).toEqual(
        expect.arrayContaining([
          ['get_stack_raw_tp', expect.stringMatching(/selftests\/bpf\/DENYLIST$/)],
          [DEBIAN_ONLY, expect.stringMatching(/blacklists\/matrix\/debian-6\.1\/DENYLIST$/)],
        ]),
      );
      expect(progs?.tests.find((t) => t.name === DEBIAN_ONLY)?.status).toBe('pass');
    }
    const finalGood = pw.checkPosts.filter(
      (p) => goodPatches.includes(p.patchId) && !p.body.includes('pending'),
    );
    expect(finalGood.length).toBeGreaterThan(0);
    expect(finalGood.every((p) => p.body.includes('success'))).toBe(true);

    const badMails = mails('bad');
    const badPatches = await post('bad');
    const second = spawnCli(setup, ['run', '--once'], env);
    expect(await second.exit, second.stderr().slice(-4000)).toBe(0);
    const bad = seriesIds().find((id) => id !== good) as number;
    const badVerdict = verdictOf(bad);
    expect(badVerdict.verdict).toBe('failure');
    expect(badVerdict.guiltyPatch).toBe(2);
    const fresh = badVerdict.failures.filter((f) => f.class === 'new');
    expect(fresh.map((f) => [f.suite, f.name, f.guiltyPatch]).sort()).toEqual(
      BROKEN_EVERYWHERE.map(([suite, name]) => [suite, name, 2]).sort(),
    );
    // Bisection of 3 patches costs at most ceil(log2 3) = 2 extra runs beyond the reruns.
    expect(badVerdict.extraRuns).toBeLessThanOrEqual(2 + 1 + 1);
    // Patch 1 was cleared by bisection: its checks for both suites are not a fail.
    const finalChecks = pw.checkPosts
      .filter((p) => p.status === 201)
      .map((p) => ({ patchId: p.patchId, ...JSON.parse(p.body) }))
      .filter((c) => badPatches.includes(c.patchId) && c.state !== 'pending');
    const contexts = BROKEN.map(([suite]) => `bpfci-${suite}-x86_64`);
    if (BATTERY_TIER) contexts.push('bpfci-test_progs-x86_64-debian-6_1');
    for (const context of contexts) {
      const checks = finalChecks.filter((c) => c.context === context);
      expect(checks.map((c) => [badPatches.indexOf(c.patchId) + 1, c.state])).toEqual([
        [1, 'success'],
        [2, 'fail'],
        [3, 'fail'],
      ]);
    }

    // Reruns and probes booted only the failing tests' suites (and asked test_progs
    // for its one test); the rerun on the series kernel ran test_verifier's failing case
    // by the number this build's full run gave it (base reruns and probes run it whole,
    // as their builds never ran it in full).
    const extraRuns = db
      .prepare<[], { kind: string; dir: string }>(
        "SELECT kind, artifacts_dir AS dir FROM runs WHERE kind IN ('rerun', 'bisect') ORDER BY id",
      )
      .all();
    expect(extraRuns.length).toBeGreaterThanOrEqual(2);
    const argvOf = (dir: string): Record<string, string[][]> =>
      JSON.parse(readFileSync(join(dir, 'boot', 'argv.json'), 'utf8'));
    for (const run of extraRuns) {
      const argv = argvOf(run.dir);
      expect(Object.keys(argv).sort(), run.dir).toEqual(BROKEN.map(([suite]) => suite));
      if (BATTERY_TIER) {
        const onlyGlobalData = ['./test_progs', '-a', 'global_data'];
        expect(argv.test_progs?.[0]?.slice(0, 3), run.dir).toEqual(onlyGlobalData);
        // The probe of Debian's failure booted Debian's kernel for that test alone.
        const debianArgv = JSON.parse(
          readFileSync(join(run.dir, 'matrix', DEBIAN.name, 'boot', 'argv.json'), 'utf8'),
        ) as Record<string, string[][]>;
        expect(Object.keys(debianArgv), run.dir).toEqual(['test_progs']);
        expect(debianArgv.test_progs?.[0]?.slice(0, 3), run.dir).toEqual(onlyGlobalData);
      }
    }
    const seriesRerun = argvOf(extraRuns[0]?.dir as string).test_verifier?.[0] ?? [];
    const [n] = seriesRerun.slice(1);
    expect(seriesRerun).toEqual(['./test_verifier', n, n]);
    expect(n).toMatch(/^\d+$/);

    // One baseline for the shared base; the bot's own replies, read back over IMAP
    // on the second run, are not series.
    // (In the battery tier, one more: Debian's kernel's, shared the same way.)
    const baselines = db.prepare("SELECT COUNT(*) AS n FROM runs WHERE kind = 'baseline'").get();
    expect(baselines).toEqual({ n: BATTERY_TIER ? 2 : 1 });
    expect(seriesIds()).toHaveLength(2);

    // Exactly one reply per series reached the list's mailbox, the bad one threaded
    // under patch 2 and linking to its run page.
    expect(smtp.received).toHaveLength(2);
    const onTheList = await Promise.all((await dc.messages(LIST)).map((m) => simpleParser(m.raw)));
    const replies = onTheList.filter((m) => m.from?.value[0]?.address === 'bpfci@example.org');
    expect(replies).toHaveLength(2);
    const reply = replies.filter((m) => m.inReplyTo === messageId(badMails[2] as Buffer));
    expect(reply).toHaveLength(1);
    expect(reply[0]?.subject).toMatch(/^Re: \[PATCH bpf-next 2\/3\]/);
    const badJob = db
      .prepare<[number], { id: number }>('SELECT id FROM jobs WHERE series_id = ?')
      .get(bad)?.id;
    expect(reply[0]?.text).toContain('add+sub+mul');
    for (const [, name] of BROKEN) expect(reply[0]?.text).toContain(name);
    expect(reply[0]?.text).toContain(`/runs/${badJob}`);

    // The run page, served by `bpfci serve`, shows the new failure and the guilty patch.
    const serve = spawnCli(setup, ['serve', '--port', '0'], {});
    try {
      const url = await listeningUrl(serve);
      const page = await (await fetch(`${url}/runs/${badJob}`)).text();
      expect(page).toContain('add+sub+mul [p]');
      for (const [, name] of BROKEN) expect(page).toContain(name);
      expect(page).toContain('<span class="c-new">new</span>');
      expect(page).toContain('guilty patch: 2');
      if (BATTERY_TIER) {
        expect(page).toContain('<h2>Older kernels</h2>');
        expect(page).toMatch(/debian-6\.1 <span class="muted">6\.1\.0-\d+-amd64<\/span>/);
      }
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exit;
    }
  });

  it('SIGTERM in a real make and in a real QEMU leaves neither behind; the job then completes', async () => {
    const lane = join(setup.stateDir, 'lanes');
    await post('good-v2');
    for (const program of ['make', 'qemu-system']) {
      const daemon = spawnCli(setup, ['run'], env);
      await until(() => processesFor(program, lane).length > 0, 900_000, 250);
      daemon.child.kill('SIGTERM');
      expect(await daemon.exit, daemon.stderr().slice(-3000)).toBe(0);
      expect(processesFor('make', lane)).toEqual([]);
      expect(processesFor('qemu-system', lane)).toEqual([]);
    }
    const rest = spawnCli(setup, ['run', '--once'], env);
    expect(await rest.exit, rest.stderr().slice(-4000)).toBe(0);
    const v2 = seriesIds().at(-1) as number;
    expect(seriesIds()).toHaveLength(3);
    expect(verdictOf(v2).verdict, verdictOf(v2).summary).toBe('success');
    // A kernel-only series skips the older kernels, and says why.
    if (BATTERY_TIER)
      expect(verdictOf(v2).matrix).toEqual({
        ran: false,
        reason: expect.stringMatching(/^the series changes nothing under tools\/lib\/bpf\//),
        kernels: [],
      });
  });

  it('bpfci build <series id> on the warm lane recompiles only what the series touched', async () => {
    const good = seriesIds()[0] as number;
    const build = spawnCli(setup, ['build', String(good), '--json'], env);
    expect(await build.exit, build.stderr().slice(-3000)).toBe(0);
    const verdict = JSON.parse(build.stdout()) as {
      results: { target: string; status: string; logPath: string }[];
    };
    expect(verdict.results.map((r) => `${r.target}:${r.status}`)).toEqual([
      'kernel:pass',
      'selftests:pass',
    ]);
    // No BTF type changed, so vmlinux.h was kept and no BPF object was rebuilt; the
    // series' new test_verifier case rebuilt test_verifier, and bpf_testmod.ko was
    // rebuilt for the new vmlinux.
    const selftestsLog = readFileSync(verdict.results[1]?.logPath as string, 'utf8');
    expect(selftestsLog).not.toMatch(/^\s+CLNG-BPF\s/m);
    expect(selftestsLog).toMatch(/^\s+BINARY\s+test_verifier$/m);
    if (BATTERY_TIER) expect(selftestsLog).toMatch(/^\s+MOD\s+bpf_testmod\.ko$/m);
    // Patch 1 edits a comment in verifier.c; the rest is kbuild's relink of vmlinux.
    expect(compiledBeyondRelink(verdict.results[0]?.logPath as string)).toEqual([
      'kernel/bpf/verifier.o',
    ]);

    // Built again: the series is applied anew (verifier.c rewritten), kconfig is skipped,
    // and the selftests build left the lane's checkout as git has it.
    const rebuild = spawnCli(setup, ['build', String(good), '--json'], env);
    expect(await rebuild.exit, rebuild.stderr().slice(-3000)).toBe(0);
    const again = JSON.parse(rebuild.stdout()) as typeof verdict;
    expect(compiledBeyondRelink(again.results[0]?.logPath as string)).toEqual([
      'kernel/bpf/verifier.o',
    ]);
    const logDir = dirname(again.results[0]?.logPath as string);
    expect(existsSync(join(logDir, 'kernel-config.log'))).toBe(false);
    const lane = join(setup.stateDir, 'lanes', 'bpf-next', 'src');
    const selftests = 'tools/testing/selftests/bpf';
    expect(gitIn(lane, 'status', '--porcelain', '--ignored', '--', selftests)).toBe('');
  });
});

async function listeningUrl(serve: ReturnType<typeof spawnCli>): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const m = /listening on (\S+)/.exec(serve.stdout());
    if (m?.[1]) return m[1];
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`bpfci serve did not start: ${serve.stderr()}`);
}
