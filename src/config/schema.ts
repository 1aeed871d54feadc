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
    suites: z.array(Suite).prefault([{ name: 'test_verifier', kind: 'test_verifier' }]),
    judge: Judge.prefault({}),
    report: Report.prefault({}),
    daemon: Daemon.prefault({}),
    web: Web.prefault({}),
  })
  .strict()
  .superRefine((cfg, ctx) => {
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
  });

export type Config = z.infer<typeof Config>;
