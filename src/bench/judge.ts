import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { processTimes } from '../exec/run.js';
import { runSeries } from '../pipeline/runner.js';
import { ingestMessages } from '../series/ingest.js';
import { debianKernel } from './debian-kernel.js';
import { benchStages, createUpstream, seriesMail, seriesMails } from './judge-lab.js';
import { type BenchSection, benchAppContext, seconds, tempDir } from './section.js';

const SERIES = 3;
/** Programs whose time is "the work", not the bot's overhead. */
const WORK = ['make', 'git', 'qemu-system-x86_64'];

/**
 * Three one-patch series on one base through the real runner (real lanes,
 * git am, make, QEMU boots of Debian's kernel with a trivial suite; see
 * judge-lab.ts): how many baseline runs they cost (reference 1, the cache),
 * and the bot's overhead = series-to-verdict wall time minus the time its
 * children spent in make, git and qemu (exec/run.ts processTimes).
 */
export async function benchJudge(): Promise<BenchSection> {
  const root = tempDir('bpfci-bench-judge-');
  const upstream = join(root, 'upstream');
  mkdirSync(upstream);
  const kernel = debianKernel();
  try {
    await createUpstream(upstream);
    const ctx = benchAppContext(
      {
        trees: { bench: { upstream, branch: 'master' } },
        suites: [{ name: 'smoke', kind: 'command', argv: ['true'] }],
        vm: {
          accel: 'tcg',
          cpus: 2,
          memoryMb: 1024,
          bootTimeoutSeconds: 120,
          totalTimeoutSeconds: 300,
        },
      },
      join(root, 'state'),
    );
    const ids: number[] = [];
    for (let n = 1; n <= SERIES; n++) {
      const s = ingestMessages(ctx, [await seriesMail(upstream, n)], 'bench');
      const id = s.seriesTouched.at(-1);
      if (id === undefined)
        throw new Error(`bench series ${n} not assembled: ${JSON.stringify(s.rejected)}`);
      ids.push(id);
    }
    const stages = benchStages(kernel);
    processTimes.byProgram = new Map();
    const started = Date.now();
    const verdicts: string[] = [];
    for (const id of ids) verdicts.push((await runSeries(ctx, id, { stages })).verdict.verdict);
    const wall = Date.now() - started;
    const times = processTimes.byProgram;
    processTimes.byProgram = undefined;
    const work = WORK.reduce((sum, p) => sum + (times.get(p) ?? 0), 0);
    const overhead = wall - work;
    const baselines = (
      ctx.db.prepare("SELECT count(*) AS n FROM runs WHERE kind = 'baseline'").get() as {
        n: number;
      }
    ).n;
    const failing = await failingSeries(ctx, upstream, stages);
    const per = (p: string) => `${p} ${seconds(times.get(p) ?? 0)}`;
    return {
      title: `judge: ${SERIES} one-patch series on one base, series to verdict (verdicts: ${verdicts.join(', ')})`,
      rows: [
        ['baseline runs', `${baselines} = ${baselines.toFixed(2)}x (reference: 1 for one base)`],
        ['series-to-verdict wall time (all 3)', seconds(wall)],
        ['time in children', `${WORK.map(per).join(', ')} = ${seconds(work)}`],
        [
          'bot overhead',
          `${seconds(overhead)} = ${((overhead / wall) * 100).toFixed(1)}% of the wall time`,
        ],
        [
          `3-patch series, patch 2 breaks the suite (${failing.verdict}, guilty patch ${failing.guilty}, ${failing.extraRuns} extra runs), warm lane`,
          `${seconds(failing.wall)} vs its raw steps ${seconds(failing.work)} = ${(failing.wall / failing.work).toFixed(2)}x (goal <= 1.15x)`,
        ],
        [
          'other children (not subtracted)',
          [...times.keys()]
            .filter((p) => !WORK.includes(p))
            .map(per)
            .join(', ') || 'none',
        ],
      ],
      notes: [
        'work = every make, git and qemu child, timed by runCommand (spawn to exit, sequential here, so no overlap)',
        'overhead = store, lanes, baseline cache, console watching, result parsing, judging, DB writes, plus process spawn latency',
        'the 3-patch series: its run, the reruns on the series and the base, and the bisection probes, each a real boot; raw steps = the same make, git and qemu children',
      ],
    };
  } finally {
    processTimes.byProgram = undefined;
    rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** A 3-patch series on the warm lane whose patch 2 breaks the suite: judged, rerun, bisected. */
async function failingSeries(
  ctx: Parameters<typeof runSeries>[0],
  upstream: string,
  stages: ReturnType<typeof benchStages>,
): Promise<{ verdict: string; guilty?: number; extraRuns: number; wall: number; work: number }> {
  const mails = await seriesMails(upstream, SERIES + 1, [
    { 'one.txt': 'one\n' },
    { README: 'bench tree\nBROKEN\n' },
    { 'three.txt': 'three\n' },
  ]);
  const id = ingestMessages(ctx, mails, 'bench').seriesTouched.at(-1);
  if (id === undefined) throw new Error('bench: the 3-patch series was not assembled');
  processTimes.byProgram = new Map();
  const started = Date.now();
  const { verdict } = await runSeries(ctx, id, { stages });
  const wall = Date.now() - started;
  const times = processTimes.byProgram;
  processTimes.byProgram = undefined;
  const work = WORK.reduce((sum, p) => sum + (times.get(p) ?? 0), 0);
  return {
    verdict: verdict.verdict,
    guilty: verdict.guiltyPatch,
    extraRuns: verdict.extraRuns,
    wall,
    work,
  };
}
