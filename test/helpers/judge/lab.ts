import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Config } from '../../../src/config/schema.js';
import type { AppContext } from '../../../src/context.js';
import { openDatabase } from '../../../src/db/open.js';
import { silentLogger } from '../../../src/log.js';
import { runSeries, type SeriesRun } from '../../../src/pipeline/runner.js';
import { ingestMessages } from '../../../src/series/ingest.js';
import {
  createLabRepo,
  type LabPatch,
  type LabRepo,
  seriesMails,
  type TreeTests,
} from './lab-repo.js';
import { type LabHost, type LabOlderKernel, type LabScript, labStages } from './lab-stages.js';

export const STANDIN = new URL('./standin-suite.sh', import.meta.url).pathname;

export interface LabOptions {
  tests: TreeTests;
  /** The base kernel does not boot. */
  baseDoesNotBoot?: boolean;
  judge?: Record<string, unknown>;
  /** Replaces the stand-in suite's program (a missing tool). */
  program?: string;
  suiteTimeoutSeconds?: number;
  /** Boot in the real VM instead of running the suite on the host. */
  vm?: LabHost['vm'];
  /** Config sections merged over the lab's (vm timeouts for real boots). */
  config?: Record<string, unknown>;
  /** Older kernels of the matrix, by name: what each fails on its own. */
  older?: Record<string, LabOlderKernel>;
  /** The lab's blacklists/ (older kernels' lists under matrix/<name>/). */
  blacklists?: Record<string, string>;
}

export interface Lab {
  ctx: AppContext;
  repo: LabRepo;
  host: LabHost;
  /** Scripts the stand-in suite (flaky tests, runner exits, hangs). */
  schedule(s: LabScript): void;
  /** Posts a series (real mails through the real series store) and returns its id. */
  post(name: string, patches: LabPatch[], version?: number): number;
  run(seriesId: number): Promise<SeriesRun>;
}

/** A whole bpfci state (config, DB, lanes) around a generated tree, for judge scenarios. */
export function createLab(opts: LabOptions): Lab {
  const root = mkdtempSync(join(tmpdir(), 'bpfci-judge-'));
  chmodSync(root, 0o755);
  const repo = createLabRepo(root, opts.tests, opts.baseDoesNotBoot ? { boots: false } : {});
  const stateDir = join(root, 'state');
  const kernels = Object.entries(opts.older ?? {}).map(([name, kernel]) => {
    const image = join(root, `older-${name}.json`);
    writeFileSync(image, JSON.stringify(kernel));
    return { name, image, moduleBuildDir: root };
  });
  const blacklists = join(root, 'blacklists');
  for (const [path, text] of Object.entries(opts.blacklists ?? {})) {
    mkdirSync(dirname(join(blacklists, path)), { recursive: true });
    writeFileSync(join(blacklists, path), text);
  }
  const config = Config.parse({
    version: 1,
    state: { dir: stateDir },
    trees: { lab: { upstream: repo.dir, branch: 'master' } },
    suites: [
      {
        name: 'standin',
        kind: 'command',
        argv: opts.program ? [opts.program] : ['sh', STANDIN],
        parser: 'test_progs',
        timeoutSeconds: opts.suiteTimeoutSeconds ?? 60,
      },
    ],
    judge: { infraRetries: 2, infraBackoffSeconds: 0, ...opts.judge },
    matrix: { kernels },
    ...opts.config,
  });
  const ctx: AppContext = {
    config,
    configFile: join(root, 'config.yaml'),
    db: openDatabase(join(stateDir, 'bpfci.sqlite')),
    log: silentLogger,
    stateDir,
  };
  const host: LabHost = {
    script: {},
    faultOn: [],
    fault: 'host out of memory: qemu was killed',
    boots: 0,
    builds: 0,
    suiteRuns: 0,
    attempts: new Map(),
    vm: opts.vm,
    olderBuilds: 0,
    olderBoots: 0,
    blacklists,
  };
  const stages = labStages(host);
  return {
    ctx,
    repo,
    host,
    schedule: (s) => {
      host.script = s;
    },
    post(name, patches, version = 1) {
      const summary = ingestMessages(ctx, seriesMails(repo, name, patches, version), 'lab');
      const id = summary.seriesTouched.at(-1);
      if (id === undefined)
        throw new Error(`series not assembled: ${JSON.stringify(summary.rejected)}`);
      return id;
    },
    run: (seriesId) => runSeries(ctx, seriesId, { stages, sleep: async () => {} }),
  };
}
