import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SuiteConfig } from '../suites/guest-command.js';
import { suiteResult } from '../suites/result.js';
import type { SuiteResult } from '../types.js';

/** Guest-side exit code of `timeout` when it had to stop the suite. */
const TIMEOUT_RCS = new Set([124, 137]);

/**
 * Reads what the guest left in the share for one suite: <suite>.out (its output),
 * <suite>.rc ("rc start end", guest uptimes) and the -J file. A suite the guest never
 * finished has no .rc: its exit code is null and whatever output it wrote is still parsed.
 */
export function collectSuite(
  shareDir: string,
  suite: SuiteConfig,
  timeoutSeconds: number,
  jsonFile: string | undefined,
  only?: string[],
): SuiteResult {
  const read = (name: string): string | undefined => {
    const path = join(shareDir, name);
    return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  };
  const fields = (read(`${suite.name}.rc`) ?? '').trim().split(/\s+/);
  const [rc, start, end] = fields.map((f) => (/^\d+(\.\d+)?$/.test(f) ? Number(f) : undefined));
  const exitCode = rc ?? null;
  const durationMs =
    start !== undefined && end !== undefined ? Math.round((end - start) * 1000) : 0;
  const timedOut =
    exitCode !== null && TIMEOUT_RCS.has(exitCode) && durationMs >= timeoutSeconds * 1000;
  const json = jsonFile ? read(jsonFile) : undefined;
  return suiteResult({
    suite,
    output: read(`${suite.name}.out`) ?? '',
    exitCode,
    timedOut,
    durationMs,
    ...(json ? { json } : {}),
    ...(only?.length ? { only } : {}),
  });
}
