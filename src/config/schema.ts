import { z } from 'zod';
import { Daemon, Web } from './sections/daemon.js';
import { Fleet } from './sections/fleet.js';
import { Matrix } from './sections/matrix.js';
import { Build, Judge, Suite, Vm } from './sections/pipeline.js';
import { Report } from './sections/report.js';
import { Sources } from './sections/sources.js';
import { Routing, Tree } from './sections/trees.js';

export const Config = z
  .object({
    version: z.literal(1),
    state: z.object({ dir: z.string().default('state') }).prefault({}),
    log: z
      .object({ level: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info') })
      .prefault({}),
    sources: Sources.prefault({}),
    trees: z.record(z.string().regex(/^[A-Za-z0-9._-]+$/), Tree).default({}),
    routing: Routing.optional(),
    build: Build.prefault({}),
    vm: Vm.prefault({}),
    /** Default: the battery for the build profile (defaultSuites). */
    suites: z.array(Suite).optional(),
    /** The older-kernel matrix (none by default). */
    matrix: Matrix.prefault({}),
    judge: Judge.prefault({}),
    report: Report.prefault({}),
    daemon: Daemon.prefault({}),
    web: Web.prefault({}),
    /** One coordinator and N workers on other hosts (none: one host, the SQLite queue). */
    fleet: Fleet.optional(),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    // The minimal profile's kernel has no BTF for the selftests' BPF objects and no
    // bpf_testmod: only test_verifier (and own commands) can run on it.
    (cfg.suites ?? []).forEach((s, i) => {
      if (cfg.build.profile === 'minimal' && NEEDS_SELFTESTS_PROFILE.has(s.kind)) {
        ctx.addIssue({
          code: 'custom',
          path: ['suites', i, 'kind'],
          message: `${s.kind} needs build.profile selftests (the minimal kernel cannot run it)`,
        });
      }
    });
    const trees = new Set(Object.keys(cfg.trees));
    const known = (name: string, path: (string | number)[]) => {
      if (!trees.has(name))
        ctx.addIssue({ code: 'custom', path, message: `unknown tree "${name}"` });
    };
    checkMatrix(cfg, ctx, known);
    cfg.fleet?.worker?.trees.forEach((t, i) => {
      known(t, ['fleet', 'worker', 'trees', i]);
    });
    if (!cfg.routing) return;
    known(cfg.routing.default, ['routing', 'default']);
    for (const [tag, t] of Object.entries(cfg.routing.tags)) known(t, ['routing', 'tags', tag]);
    for (const [d, t] of Object.entries(cfg.routing.delegates))
      known(t, ['routing', 'delegates', d]);
    cfg.routing.fallback.forEach((t, i) => {
      known(t, ['routing', 'fallback', i]);
    });
  })
  .transform((cfg) => ({ ...cfg, suites: cfg.suites ?? defaultSuites(cfg.build.profile) }));

const NEEDS_SELFTESTS_PROFILE = new Set(['test_progs', 'test_maps', 'veristat']);

type Issues = z.core.$RefinementCtx;

/** Older kernels: unique names, known trees and suites, the selftests profile. */
function checkMatrix(
  cfg: {
    matrix: z.infer<typeof Matrix>;
    build: { profile: 'minimal' | 'selftests' };
    suites?: { name: string }[] | undefined;
  },
  ctx: Issues,
  known: (tree: string, path: (string | number)[]) => void,
): void {
  const { kernels, suites } = cfg.matrix;
  if (!kernels.length) return;
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: 'custom', path: ['matrix', ...path], message });
  if (cfg.build.profile !== 'selftests')
    issue(['kernels'], 'older kernels need build.profile selftests (their selftests need BTF)');
  const seen = new Set<string>();
  kernels.forEach((k, i) => {
    if (seen.has(k.name)) issue(['kernels', i, 'name'], `"${k.name}" is named twice`);
    seen.add(k.name);
    if (k.tree) known(k.tree, ['matrix', 'kernels', i, 'tree']);
  });
  const configured = new Set((cfg.suites ?? defaultSuites(cfg.build.profile)).map((s) => s.name));
  suites?.forEach((name, i) => {
    if (!configured.has(name)) issue(['suites', i], `"${name}" is not a configured suite`);
  });
}

/**
 * What runs when the config names no suites: BPF CI's battery on the selftests profile
 * (test_progs, test_verifier, test_maps and the veristat gate), test_verifier alone on
 * the minimal one.
 */
export function defaultSuites(profile: 'minimal' | 'selftests'): z.infer<typeof Suite>[] {
  const kinds =
    profile === 'minimal'
      ? (['test_verifier'] as const)
      : (['test_progs', 'test_verifier', 'test_maps', 'veristat'] as const);
  return kinds.map((kind) => Suite.parse({ name: kind, kind }));
}

export type Config = z.infer<typeof Config>;
