import { z } from 'zod';

/**
 * The parts of Patchwork's REST API (1.2+) the poller reads. Objects carry more
 * fields; zod drops what is not listed, so newer servers stay compatible.
 */
const Summary = z.object({
  id: z.number().int(),
  url: z.string(),
  web_url: z.string().optional(),
  msgid: z.string(),
  name: z.string().nullable(),
  mbox: z.string(),
});

const User = z.object({ id: z.number().int(), username: z.string() }).nullable();

export const PwSeries = z.object({
  id: z.number().int(),
  url: z.string(),
  web_url: z.string().optional(),
  project: z.object({ id: z.number().int(), link_name: z.string() }),
  name: z.string().nullable(),
  version: z.number().int(),
  total: z.number().int(),
  received_total: z.number().int(),
  received_all: z.boolean(),
  mbox: z.string(),
  cover_letter: Summary.nullable(),
  patches: z.array(Summary),
});
export type PwSeries = z.infer<typeof PwSeries>;

export const PwEvent = z.object({
  id: z.number().int(),
  category: z.string(),
  project: z.object({ id: z.number().int(), link_name: z.string() }),
  /** Naive UTC, e.g. 2026-11-25T09:51:18.389995. */
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/),
  payload: z.object({ series: z.object({ id: z.number().int() }) }),
});
export type PwEvent = z.infer<typeof PwEvent>;

export const PwPatch = z.object({
  id: z.number().int(),
  msgid: z.string(),
  state: z.string(),
  archived: z.boolean(),
  delegate: User,
});
export type PwPatch = z.infer<typeof PwPatch>;
