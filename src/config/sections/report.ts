import { z } from 'zod';
import { EnvVarName, Seconds } from './common.js';

export const Email = z.object({
  from: z.string().min(3),
  smtp: z.object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(587),
    tls: z.enum(['tls', 'starttls', 'none']).default('starttls'),
    allowSelfSigned: z.boolean().default(false),
    user: z.string().optional(),
    passwordEnv: EnvVarName.optional(),
  }),
  policy: z.enum(['failure-only', 'always', 'never']).default('failure-only'),
  cc: z.array(z.string()).default([]),
  /** When non-empty, only these submitters get mail (opt-in roll-out, as BPF CI did). */
  optIn: z.array(z.string()).default([]),
  optOut: z.array(z.string()).default([]),
  mailInfra: z.boolean().default(false),
  mailWarnings: z.boolean().default(false),
  maxPerSeries: z.number().int().positive().default(3),
  maxPerDay: z.number().int().positive().default(200),
  trailers: z
    .object({ reportedBy: z.string().optional(), closes: z.boolean() })
    .partial()
    .default({}),
  /** The list archive (e.g. https://lore.kernel.org/bpf): links to patches and the Closes: trailer. */
  archiveUrl: z.url().optional(),
  /**
   * After an attempt whose outcome is unknown (connection lost after DATA, crash),
   * wait this long for the list to deliver it before looking it up and resending.
   */
  verifyDelaySeconds: Seconds.default(900),
});

export const Checks = z.object({
  enabled: z.boolean().default(true),
  contextPrefix: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('bpfci'),
  /** Post on every patch of the series (as KPD does) or only on the last one. */
  patches: z.enum(['all', 'last']).default('all'),
});

export const Report = z.object({
  /** Public URL of the web page; run links and Patchwork target_url start with it. */
  baseUrl: z.url().default('http://127.0.0.1:8080'),
  dryRun: z.boolean().default(false),
  email: Email.optional(),
  checks: Checks.prefault({}),
  sendRetries: z.number().int().min(0).default(5),
  sendTimeoutSeconds: Seconds.default(60),
  /** First retry delay; doubles per attempt up to retryMaxSeconds. */
  retryBaseSeconds: Seconds.default(60),
  retryMaxSeconds: Seconds.default(3600),
});
