import { z } from 'zod';

/** Names an environment variable that holds a secret; the secret never sits in the file. */
export const EnvVarName = z
  .string()
  .regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name like PATCHWORK_TOKEN');

export const Seconds = z.number().int().positive();
