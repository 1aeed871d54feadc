import { z } from 'zod';
import { Daemon, Web } from './sections/daemon.js';
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
    judge: Judge.prefault({}),
    report: Report.prefault({}),
    daemon: Daemon.prefault({}),
    web: Web.prefault({}),
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
