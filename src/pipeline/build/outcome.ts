import { existsSync, readFileSync } from 'node:fs';
import { BotError } from '../../errors.js';
import type { RunResult } from '../../exec/run.js';
import type { BuildResult } from '../../verdict/stages.js';
import { compiledObjects, firstError, parseWarnings, type Warning } from './log-parse.js';
import { formatWarning, ledgerPath, newWarnings, readLedger, recordBase } from './warnings.js';

/**
 * Turns a finished make into a BuildResult: the verdict (pass, fail, timeout,
 * contained), the first error, the compile count and the warning delta. The
 * host's own faults (a compiler that vanished) are raised, not judged.
 */

/** What the sandbox blocking something looks like from inside make. */
const CONTAINMENT: { re: RegExp; reason: string }[] = [
  {
    re: /Read-only file system/,
    reason: 'the build tried to write outside its lane (read-only file system)',
  },
  {
    re: /fork: (retry: )?Resource temporarily unavailable|Cannot fork|fork failed/i,
    reason: 'the build hit the process-count limit (RLIMIT_NPROC)',
  },
  {
    // The sandbox has its own empty network namespace: only a loopback nobody listens on.
    re: /Network is unreachable|Connection refused|Temporary failure in name resolution|Could not resolve host/,
    reason: 'the build tried to use the network',
  },
];

const TOOL_GONE =
  /(?:^|\s)(?:\/bin\/sh: \d+: |make(?:\[\d+\])?: |sh: )?(gcc|clang|cc|ld|llc|pahole|ccache|flex|bison|bc|perl)(?:: not found|: No such file or directory|: command not found)/m;

export interface OutcomeInput {
  target: 'kernel' | 'selftests';
  run: RunResult;
  logPath: string;
  stripPrefixes: string[];
  /** Where the lane keeps its warning ledger. */
  ledgerDir: string;
  headSha?: string;
  baseSha?: string;
}

export function buildOutcome(input: OutcomeInput): BuildResult & { warningList: Warning[] } {
  const { run } = input;
  const log = existsSync(input.logPath) ? readFileSync(input.logPath, 'utf8') : '';
  if (run.cancelled) throw new BotError('CANCELLED', `${input.target} build cancelled`);
  const gone = TOOL_GONE.exec(log);
  if (run.exitCode !== 0 && !run.timedOut && gone) {
    throw new BotError(
      'TOOL_MISSING',
      `${gone[1]} is missing on this host (the build could not run it)`,
    );
  }
  const warnings = parseWarnings(log, input.stripPrefixes);
  const base: BuildResult = {
    status: 'pass',
    target: input.target,
    durationMs: run.durationMs,
    warnings: warnings.length,
    newWarnings: [],
    compiled: compiledObjects(log).length,
    logPath: input.logPath,
  };
  const delta = warningDelta(input, warnings);
  base.newWarnings = delta.list;
  if (delta.reason) base.reason = delta.reason;
  if (run.timedOut) {
    return {
      ...base,
      status: 'timeout',
      reason: 'make exceeded the build time limit and was killed',
      warningList: warnings,
    };
  }
  if (run.exitCode === 0) return { ...base, warningList: warnings };
  const contained = CONTAINMENT.find((c) => c.re.test(log));
  const err = firstError(log, input.stripPrefixes);
  return {
    ...base,
    status: contained ? 'contained' : 'fail',
    firstError: err ?? {
      message: `make exited ${run.exitCode ?? run.signal}`,
      context: lastLines(log, 8),
    },
    reason: contained?.reason ?? `make exited ${run.exitCode ?? run.signal}`,
    warningList: warnings,
  };
}

function warningDelta(
  input: OutcomeInput,
  warnings: Warning[],
): { list: string[]; reason?: string } {
  if (!input.baseSha) return { list: [] };
  const path = ledgerPath(input.ledgerDir, input.target);
  if (input.headSha && input.headSha === input.baseSha) {
    if (input.run.exitCode === 0) recordBase(path, input.baseSha, warnings);
    return { list: [] };
  }
  const ledger = readLedger(path);
  if (!ledger || ledger.baseSha !== input.baseSha) {
    return {
      list: [],
      reason: `no base build of ${input.baseSha.slice(0, 12)} in this lane: warning delta unknown`,
    };
  }
  return { list: newWarnings(ledger, warnings).map(formatWarning) };
}

function lastLines(text: string, n: number): string {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}
