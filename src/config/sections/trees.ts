import { z } from 'zod';
import { Seconds } from './common.js';

export const Tree = z.object({
  /** A git URL or a local path. */
  upstream: z.string().min(1),
  branch: z.string().min(1).default('master'),
  fetchTimeoutSeconds: Seconds.default(600),
});

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
