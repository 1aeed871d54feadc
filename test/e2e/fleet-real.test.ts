import { cpSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../src/db/open.js';
import type { Verdict } from '../../src/verdict/verdict.js';
import { requireBuild } from '../helpers/daemon-cli.js';
import { until } from '../helpers/daemon-deps.js';
import { DIST, type FleetLab, fleetLab, type LabProcess } from '../helpers/fleet.js';
import { freePort } from '../helpers/free-port.js';
import { gitSync, makeSeries, tempDir } from '../helpers/kernel-like-repo.js';
import { type PatchworkFake, startPatchworkFake } from '../helpers/patchwork-fake/index.js';
import { type Postgres, startPostgres } from '../helpers/postgres.js';
import { debianKernel, processesFor, TEST_VM } from '../helpers/vm.js';

/**
 * The real pipeline on two workers, at the cheapest real build: each tree is the fake
 * kernel tree (a real Makefile, real gcc, kbuild's O= contract), and each worker runs
 * bpfci's own stages: its lanes, git am, the sandboxed make, the baseline shared
 * through the coordinator, and a real QEMU boot running a command suite. Only the
 * image booted is Debian's (the fake tree's bzImage does not boot). A worker's second
 * job on its tree finds its lane warm: the series build recompiles one file. Killed in
 * its guest, a worker's job goes to the other, which makes a lane of its own for it.
 */
const FAKE = new URL('../fixtures/build/fake-kernel/', import.meta.url).pathname;
let pgsql: Postgres;
let pw: PatchworkFake;
let lab: FleetLab;
let db: Db;
let workers: Record<string, LabProcess>;

function fakeUpstream(): string {
  const dir = tempDir('bpfci-fake-upstream-');
  cpSync(FAKE, dir, { recursive: true });
  gitSync(dir, 'init', '-q', '-b', 'master');
  gitSync(dir, 'add', '-A');
  gitSync(dir, 'commit', '-q', '-m', 'base');
  return dir;
}

beforeAll(async () => {
  requireBuild();
  pgsql = await startPostgres(await freePort());
  pw = await startPatchworkFake({ seed: 'empty' });
  const trees = { bpf: { upstream: fakeUpstream() }, 'bpf-next': { upstream: fakeUpstream() } };
  const pipeline = `import { bootAndTest } from ${JSON.stringify(join(DIST, 'pipeline/boot/boot-and-test.js'))};
import { defaultStages } from ${JSON.stringify(join(DIST, 'pipeline/default-stages.js'))};
import { runnerJob } from ${JSON.stringify(join(DIST, 'daemon/wire-runner.js'))};
export const runJob = runnerJob({
  ...defaultStages,
  bootAndTest: (ctx, req) => bootAndTest(ctx, { ...req, kernelImage: ${JSON.stringify(debianKernel())} }),
});
`;
  lab = fleetLab({
    engineUrl: pgsql.url,
    apiPort: await freePort(),
    workers: { wa: ['bpf'], wb: ['bpf-next'] },
    coordinator: {
      sources: { patchwork: pw.sourceConfig },
      report: { dryRun: true },
    },
    timing: { heartbeatSeconds: 2, deadAfterSeconds: 6 },
    shared: {
      trees,
      build: { profile: 'minimal', jobs: 2 },
      vm: TEST_VM,
      suites: [{ name: 'uname', kind: 'command', argv: ['uname', '-r'] }],
    },
    pipeline,
  });
  ({ workers } = await lab.start({ PW_TOKEN: pw.token }));
  db = openDatabase(join(lab.home('coordinator').stateDir, 'bpfci.sqlite'));
  await until(() => db.prepare('SELECT COUNT(*) FROM fleet_workers').pluck().get() === 2, 30_000);
  // The tree's upstream for makeSeries: where the patches are cut.
  upstreams = { bpf: trees.bpf.upstream, 'bpf-next': trees['bpf-next'].upstream };
});

let upstreams: Record<string, string>;

afterAll(async () => {
  await lab?.stop();
  db?.close();
  await pw?.stop();
  await pgsql?.stop();
});

/** A one-patch series on `tree` that changes helper.c to return `x + n`. */
function post(tree: 'bpf' | 'bpf-next', n: number): void {
  const [patch] = makeSeries(upstreams[tree] as string, (work) => {
    writeFileSync(join(work, 'helper.c'), `int helper(int x)\n{\n\treturn x + ${n};\n}\n`);
    gitSync(work, 'commit', '-q', '-am', `helper: add ${n}`);
  });
  const raw = (patch as { mbox: string }).mbox.replace(
    /^Subject: \[PATCH[^\]]*\]/m,
    `Subject: [PATCH ${tree}]`,
  );
  pw.addSeries({ patches: [Buffer.from(raw)] });
}

interface Done {
  id: number;
  verdict: Verdict;
}
async function verdictOfJob(nth: number): Promise<Done> {
  const row = () =>
    db
      .prepare<[number], { id: number; state: string; verdict_json: string | null }>(
        'SELECT id, state, verdict_json FROM jobs ORDER BY id LIMIT 1 OFFSET ?',
      )
      .get(nth);
  await until(() => row()?.state === 'done', 600_000, 250);
  const r = row() as { id: number; verdict_json: string };
  return { id: r.id, verdict: JSON.parse(r.verdict_json) as Verdict };
}

const choiceOf = (name: string): string | undefined =>
  db.prepare('SELECT choice FROM fleet_workers WHERE name = ?').pluck().get(name) as string;
const holder = (id: number): string | undefined =>
  db
    .prepare<[], { name: string; choice: string }>('SELECT name, choice FROM fleet_workers')
    .all()
    .find((w) => w.choice?.startsWith(`job ${id} `))?.name;

describe('e2e: the real pipeline on two workers', () => {
  it('builds and boots on the warm worker, and its second job finds the lane warm', async () => {
    post('bpf-next', 1);
    const first = await verdictOfJob(0);
    expect(first.verdict.verdict, first.verdict.summary).toBe('success');
    expect(holder(first.id)).toBe('wb');
    // The guest ran Debian's kernel: the command suite printed its release.
    const uname = first.verdict.boot?.suites.find((s) => s.suite === 'uname');
    expect(uname?.outcome).toBe('ok');
    // The logs came home: the build log is on the coordinator's disk, under wb's results.
    const log = first.verdict.build?.[0]?.logPath as string;
    expect(log.startsWith(join(lab.home('coordinator').stateDir, 'fleet', 'wb'))).toBe(true);
    expect(existsSync(log)).toBe(true);

    post('bpf-next', 2);
    const second = await verdictOfJob(1);
    expect(second.verdict.verdict, second.verdict.summary).toBe('success');
    expect(holder(second.id)).toBe('wb');
    // Warm: the base's baseline, run for the first job, was not run again, so this
    // job's one build was the series'; it compiled helper.c alone because the lane kept
    // main.o from the first job (a cold lane compiles both).
    expect(second.verdict.build?.[0]?.compiled).toBe(1);
    expect(second.verdict.baselineRunId).toBe(first.verdict.baselineRunId);
  });

  it('kill -9 of a worker in its guest: the other finishes the job on a lane of its own', async () => {
    const wbState = lab.home('wb').stateDir;
    post('bpf-next', 3);
    await until(() => processesFor('qemu-system', wbState).length > 0, 120_000, 100);
    const wb = workers.wb as LabProcess;
    wb.child.kill('SIGKILL');
    expect(await wb.exit).toBeNull();
    const third = await verdictOfJob(2);
    expect(third.verdict.verdict, third.verdict.summary).toBe('success');
    expect(choiceOf('wa')).toBe(`job ${third.id} (bpf-next): no free worker warm for bpf-next`);
    // wa had no bpf-next lane: it made one from its own mirror and built it whole; the
    // base's baseline, computed by wb before it died, served it as it was.
    expect(third.verdict.build?.[0]?.compiled).toBe(2);
    expect(third.verdict.baselineRunId).toBeDefined();
    expect(
      db
        .prepare("SELECT COUNT(*) FROM runs WHERE kind = 'baseline' AND status = 'done'")
        .pluck()
        .get(),
    ).toBe(1);
    const log = third.verdict.build?.[0]?.logPath as string;
    expect(log.startsWith(join(lab.home('coordinator').stateDir, 'fleet', 'wa'))).toBe(true);
    // wb's guest, orphaned by the kill, powers off on its own.
    await until(() => processesFor('qemu-system', wbState).length === 0, 120_000, 250);
  });

  it("serves every job's run page and logs from the coordinator, whichever worker ran it", async () => {
    const serve = lab.cli('coordinator', ['serve', '--port', '0']);
    await until(() => /listening on (\S+)/.test(serve.stdout()), 30_000);
    const url = /listening on (\S+)/.exec(serve.stdout())?.[1] as string;
    for (const [nth, worker] of [
      [0, 'wb'],
      [2, 'wa'],
    ] as const) {
      const { id, verdict } = await verdictOfJob(nth);
      const page = await (await fetch(`${url}/runs/${id}`)).text();
      expect(page, worker).toContain(`/runs/${id}/log/0`);
      const build = await fetch(`${url}/runs/${id}/log/0`);
      expect(build.status).toBe(200);
      expect(await build.text()).toMatch(/ {2}CC {6}helper\.o/);
      const consoleAt = verdict.build?.length ?? 0;
      const guest = await (await fetch(`${url}/runs/${id}/log/${consoleAt}`)).text();
      expect(guest).toContain(verdict.boot?.kernelRelease as string);
    }
  });
});
