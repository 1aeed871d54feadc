import { z } from 'zod';
import { EnvVarName, Seconds } from './common.js';

const Name = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, dot, dash, underscore');

/** A worker the coordinator lets in, by the env var that holds its token. */
const AllowedWorker = z.object({ name: Name, tokenEnv: EnvVarName }).strict();

/**
 * Past one host: one coordinator and N workers. The engine is PostgreSQL with
 * graphile-worker (DESIGN.md, "Scale-out"): it carries a job to a worker, warm
 * tree first. The coordinator keeps the store, the outbox and the web page; workers
 * fetch a job's series from it, run the pipeline on their own lanes and send the
 * verdict and artifacts back. Every secret is an env var.
 */
export const Fleet = z
  .object({
    /** `postgres://user:password@host/db`, read from this env var. */
    engineUrlEnv: EnvVarName.default('BPFCI_ENGINE_URL'),
    /** The coordinator's worker API: where it listens (coordinator) and is reached (worker). */
    coordinator: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8479),
        url: z.url().optional(),
        /** The largest artifacts upload accepted, per run. */
        maxUploadMb: z.number().int().positive().default(512),
      })
      .strict()
      .prefault({}),
    /** Coordinator side: who may connect. */
    workers: z.array(AllowedWorker).default([]),
    /** Worker side: who this host is, its token, and the trees it keeps warm. */
    worker: z
      .object({
        name: Name,
        tokenEnv: EnvVarName.default('BPFCI_WORKER_TOKEN'),
        /** Trees this worker prefers (its lanes are warm there); it learns more as it runs. */
        trees: z.array(z.string()).default([]),
      })
      .strict()
      .optional(),
    /** How often a worker reports in; one silent for deadAfterSeconds is dead. */
    heartbeatSeconds: Seconds.default(5),
    deadAfterSeconds: Seconds.default(60),
  })
  .strict()
  .superRefine((f, ctx) => {
    const names = f.workers.map((w) => w.name);
    names.forEach((n, i) => {
      if (names.indexOf(n) !== i)
        ctx.addIssue({ code: 'custom', path: ['workers', i, 'name'], message: `duplicate "${n}"` });
    });
    if (f.worker && !f.coordinator.url)
      ctx.addIssue({
        code: 'custom',
        path: ['coordinator', 'url'],
        message: 'a worker (fleet.worker) needs the URL where it reaches its coordinator',
      });
    if (f.deadAfterSeconds <= f.heartbeatSeconds * 2)
      ctx.addIssue({
        code: 'custom',
        path: ['deadAfterSeconds'],
        message: 'must be more than twice heartbeatSeconds (one late beat is not a death)',
      });
  });

export type FleetConfig = z.infer<typeof Fleet>;
