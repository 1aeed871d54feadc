import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SuiteLists } from '../../blacklist/suite-lists.js';
import type { SuiteResult } from '../../verdict/tests.js';
import type { SuiteConfig } from '../suites/guest-command.js';
import { suiteResult } from '../suites/result.js';

/** Guest-side exit code of `timeout` when it had to stop the suite. */
const TIMEOUT_RCS = new Set([124, 137]);

export interface CollectOptions {
  timeoutSeconds: number;
  jsonFile?: string;
  only?: string[];
  lists?: SuiteLists;
  serial?: string[];
  parallel?: boolean;
}

/**
 * Reads what the guest left in the share for one suite: <suite>.out (its output),
 * <suite>.rc ("rc start end", guest uptimes), the -J file and test_progs' listings
 * (<suite>.list, <suite>.all). A suite the guest never finished has no .rc: its exit code
 * is null and whatever output it wrote is still parsed.
 */
export function collectSuite(shareDir: string, suite: SuiteConfig, o: CollectOptions): SuiteResult {
  const read = (name: string): string | undefined => {
    const path = join(shareDir, name);
    return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  };
  const names = (file: string): string[] | undefined => {
    const lines = read(file)
      ?.split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    return lines?.length ? lines : undefined;
  };
  const fields = (read(`${suite.name}.rc`) ?? '').trim().split(/\s+/);
  const [rc, start, end] = fields.map((f) => (/^\d+(\.\d+)?$/.test(f) ? Number(f) : undefined));
  const exitCode = rc ?? null;
  const durationMs =
    start !== undefined && end !== undefined ? Math.round((end - start) * 1000) : 0;
  const timedOut =
    exitCode !== null && TIMEOUT_RCS.has(exitCode) && durationMs >= o.timeoutSeconds * 1000;
  const json = o.jsonFile ? read(o.jsonFile) : undefined;
  const listed = names(`${suite.name}.list`);
  const known = names(`${suite.name}.all`);
  return suiteResult({
    suite,
    output: read(`${suite.name}.out`) ?? '',
    exitCode,
    timedOut,
    durationMs,
    ...(json ? { json } : {}),
    ...(o.only?.length ? { only: o.only } : {}),
    ...(o.lists ? { lists: o.lists } : {}),
    ...(listed ? { listed } : {}),
    ...(known ? { known } : {}),
    serial: o.serial ?? [],
    parallel: o.parallel ?? false,
  });
}
