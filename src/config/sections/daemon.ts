import { validate as validCron } from 'node-cron';
import { z } from 'zod';
import { Seconds } from './common.js';

export const Priority = z.object({
  /** smallest-first: fewer patches run earlier (quick feedback for most authors). */
  order: z.enum(['smallest-first', 'oldest-first']).default('smallest-first'),
  /** Added to a job's priority by lane (tree); smaller runs first, so negative boosts. */
  trees: z.record(z.string(), z.number().int()).default({}),
});

export const Retry = z.object({
  /**
   * Attempts of a job that hits an infrastructure error or ends on an infra verdict,
   * the first included; between them the job waits in the queue with this backoff.
   */
  maxAttempts: z.number().int().positive().default(4),
  baseSeconds: Seconds.default(60),
  maxSeconds: Seconds.default(3600),
  /** Restarts after a daemon crash before the job is given up (a job that kills the host). */
  maxRecoveries: z.number().int().positive().default(5),
});

/** Who may command the bot by mail (`bpfci: retest` in a reply), and how often. */
export const MailCommands = z.object({
  /** Addresses obeyed on every series (the maintainers). */
  allow: z.array(z.email().transform((a) => a.toLowerCase())).default([]),
  /** Also obey the series' own author. */
  author: z.boolean().default(false),
  /** Retests of one series obeyed per 24 hours; the rest are refused (and logged). */
  retestsPerDay: z.number().int().min(0).default(3),
});

export const Daemon = z.object({
  maxConcurrentBuilds: z.number().int().positive().default(1),
  maxConcurrentVms: z.number().int().positive().default(1),
  shutdownGraceSeconds: Seconds.default(60),
  minFreeDiskGb: z.number().min(0).default(20),
  priority: Priority.prefault({}),
  retry: Retry.prefault({}),
  mailCommands: MailCommands.prefault({}),
  /** A running job whose heartbeat is older than this belongs to a dead daemon. */
  heartbeatSeconds: Seconds.default(10),
  staleAfterSeconds: Seconds.default(120),
  /** Idle wait of the queue loop when nothing is claimable (it is woken early by new work). */
  idleSeconds: Seconds.default(5),
  /** Period of the outbox sender (it also runs right after each verdict). */
  outboxIntervalSeconds: Seconds.default(60),
  retention: z
    .object({
      artifactDays: z.number().int().positive().default(30),
      idleLaneDays: z.number().int().positive().default(14),
      /** When pruning runs (node-cron, seconds field first). */
      schedule: z
        .string()
        .refine((s) => validCron(s), 'not a cron expression')
        .default('0 17 3 * * *'),
    })
    .prefault({}),
});

export const Web = z.object({
  enabled: z.boolean().default(false),
  host: z.string().default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8080),
});
