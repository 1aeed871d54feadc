import { z } from 'zod';
import type { TestResult } from '../../verdict/tests.js';
import { excerptOf } from './excerpt.js';

/**
 * test_progs -J (trees from 6.4 on). In non-verbose mode it lists only failed tests and
 * their failed subtests, so it complements the text output rather than replacing it: the
 * text gives every verdict, the JSON gives clean per-test logs for the failures.
 */
const Subtest = z.object({
  name: z.string(),
  number: z.number().optional(),
  message: z.string().default(''),
  failed: z.boolean(),
});

export const TestProgsJson = z.object({
  success: z.number(),
  success_subtest: z.number(),
  skipped: z.number(),
  failed: z.number(),
  results: z.array(
    z.object({
      name: z.string(),
      number: z.number().optional(),
      message: z.string().default(''),
      failed: z.boolean(),
      subtests: z.array(Subtest).default([]),
    }),
  ),
});
export type TestProgsJson = z.infer<typeof TestProgsJson>;

export function failuresFromJson(json: TestProgsJson): TestResult[] {
  return json.results.flatMap((t) => {
    const own: TestResult[] = t.failed ? [result(t.name, t.message)] : [];
    const subs = t.subtests
      .filter((s) => s.failed)
      .map((s) => result(`${t.name}/${s.name}`, s.message));
    return [...own, ...subs];
  });
}

/** Overlay JSON logs onto text results; tests only the JSON knows are added. */
export function mergeJson(tests: TestResult[], json: TestProgsJson): TestResult[] {
  const byName = new Map(tests.map((t) => [t.name, { ...t }]));
  for (const failure of failuresFromJson(json)) {
    const known = byName.get(failure.name);
    if (!known) byName.set(failure.name, failure);
    else if (failure.excerpt) known.excerpt = failure.excerpt;
  }
  return [...byName.values()];
}

function result(name: string, message: string): TestResult {
  const excerpt = excerptOf(message.split('\n'));
  return excerpt ? { name, status: 'fail', excerpt } : { name, status: 'fail' };
}
