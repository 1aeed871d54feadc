import { z } from 'zod';
import { EnvVarName, Seconds } from './common.js';
import { PATCHWORK_URL_FORMS, patchworkApiUrl } from './patchwork-url.js';

export const PatchworkSource = z.object({
  /** As written; the clients normalise it with patchworkApiUrl (checked here). */
  url: z.url().refine(
    // Not a URL at all is z.url()'s to report, once.
    (u) => !URL.canParse(u) || patchworkApiUrl(u) !== undefined,
    `not a Patchwork URL: use ${PATCHWORK_URL_FORMS}`,
  ),
  project: z.string().min(1),
  tokenEnv: EnvVarName.optional(),
  intervalSeconds: Seconds.default(300),
  ignoreStates: z
    .array(z.string())
    .default(['superseded', 'accepted', 'rejected', 'not-applicable']),
  delegates: z.array(z.string()).default([]),
  timeoutSeconds: Seconds.default(30),
  /** First poll only (no cursor yet): how far back to read series-completed events. */
  lookbackHours: z.number().positive().default(24),
  /** HTTP attempts per request (first included) on 5xx, timeouts and resets. */
  attempts: z.number().int().min(1).max(10).default(4),
});

export const LoreSource = z.object({
  url: z.url(),
  intervalSeconds: Seconds.default(120),
  timeoutSeconds: Seconds.default(30),
  /** HTTP attempts per request (first included) on 5xx, timeouts and resets. */
  attempts: z.number().int().min(1).max(10).default(4),
  /** Most search pages (200 results each) one backfill may read. */
  maxBackfillPages: z.number().int().min(1).default(10),
});

export const ImapSource = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(993),
  tls: z.enum(['tls', 'starttls', 'none']).default('tls'),
  /** Accept a self-signed certificate (loopback test servers). */
  allowSelfSigned: z.boolean().default(false),
  /** PEM file of a CA to trust in addition to the system ones. */
  caFile: z.string().optional(),
  user: z.string().min(1),
  passwordEnv: EnvVarName,
  mailbox: z.string().default('INBOX'),
  intervalSeconds: Seconds.default(120),
  idle: z.boolean().default(true),
  timeoutSeconds: Seconds.default(30),
});

export const Sources = z.object({
  patchwork: PatchworkSource.optional(),
  lore: LoreSource.optional(),
  imap: ImapSource.optional(),
});
