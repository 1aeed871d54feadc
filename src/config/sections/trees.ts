import { z } from 'zod';
import { Seconds } from './common.js';

export const Tree = z.object({
  /** A git URL or a local path. */
  upstream: z.string().min(1),
  branch: z.string().min(1).default('master'),
  fetchTimeoutSeconds: Seconds.default(600),
  /**
   * How many commits below the tip are searched for a series that is "already applied
   * upstream" (by patch-id, then by subject). KPD looks at 100 subjects, NIPA at 1000.
   */
  alreadyAppliedLookback: z.number().int().positive().default(500),
  /** Timeout for one `git am` of one patch (a huge patch on a cold cache is slow). */
  applyTimeoutSeconds: Seconds.default(300),
});

export type TreeConfig = z.infer<typeof Tree>;

export const Routing = z.object({
  /** The tree used when nothing else names one. */
  default: z.string().min(1),
  /** Subject tag ("bpf-next") to tree name. */
  tags: z.record(z.string(), z.string()).default({}),
  /** Patchwork delegate username to tree name. */
  delegates: z.record(z.string(), z.string()).default({}),
  /** Trees to try, in order, when the series does not apply to the chosen one. */
  fallback: z.array(z.string()).default([]),
});
