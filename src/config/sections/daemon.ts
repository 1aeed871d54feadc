import { z } from 'zod';
import { Seconds } from './common.js';

export const Daemon = z.object({
  maxConcurrentBuilds: z.number().int().positive().default(1),
  maxConcurrentVms: z.number().int().positive().default(1),
  shutdownGraceSeconds: Seconds.default(60),
  minFreeDiskGb: z.number().min(0).default(20),
  retention: z
    .object({
      artifactDays: z.number().int().positive().default(30),
      idleLaneDays: z.number().int().positive().default(14),
    })
    .prefault({}),
});

export const Web = z.object({
  enabled: z.boolean().default(false),
  host: z.string().default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8080),
});
