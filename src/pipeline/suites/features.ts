import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProgsFeatures } from './guest-command.js';
import { serialTestsIn } from './test-progs-hang.js';

/**
 * Which options this tree's test_progs has, read from the option names compiled into the
 * binary (the strings --help prints). The binary is built from the series under test, so
 * it is never executed on the host; reading its bytes is safe.
 */
export function testProgsFeatures(
  selftestsDir: string | undefined,
  binary = 'test_progs',
): TestProgsFeatures {
  const path = selftestsDir ? join(selftestsDir, binary) : undefined;
  if (!path || !existsSync(path)) {
    return { json: false, watchdog: false, listFiles: false, serial: [] };
  }
  const bytes = readFileSync(path);
  const has = (s: string): boolean => bytes.includes(Buffer.from(`${s}\0`));
  const json = has('json-summary');
  return { json, watchdog: has('watchdog-timeout'), listFiles: json, serial: serialTestsIn(bytes) };
}
