import type { SuiteLists } from '../../blacklist/suite-lists.js';
import type { SuiteResult, TestResult } from '../../verdict/tests.js';
import { applyDenyLists } from './deny-results.js';
import type { SuiteConfig } from './guest-command.js';
import { parseTap } from './parse-tap.js';
import { parseTestMaps } from './parse-test-maps.js';
import { parseTestProgs } from './parse-test-progs.js';
import { mergeJson, TestProgsJson } from './parse-test-progs-json.js';
import { parseTestVerifier } from './parse-test-verifier.js';
import { parseVeristatCsv, type VeristatRow, veristatName } from './parse-veristat.js';
import { hungTest } from './test-progs-hang.js';

export type ParserName = NonNullable<SuiteConfig['parser']> | 'veristat';

export interface SuiteRun {
  suite: SuiteConfig;
  /** Everything the suite printed (stdout and stderr). */
  output: string;
  /** null: the suite never finished (the guest died or was killed). */
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
  /** test_progs -J content, when written. */
  json?: string;
  only?: string[];
  /** The deny/allow entries that apply to this suite. */
  lists?: SuiteLists;
  /** test_progs -l with the run's filters (run order), and without any (every test). */
  listed?: string[];
  known?: string[];
  /** test_progs: its serial_test_* names, and whether it ran with -j. */
  serial?: string[];
  parallel?: boolean;
}

export function parserFor(suite: SuiteConfig): ParserName {
  if (suite.kind === 'command') return suite.parser ?? 'exit-code';
  if (suite.kind === 'kselftest') return suite.parser ?? 'tap';
  return suite.kind;
}

/**
 * Turns one suite's output into per-test results and an outcome. Infrastructure
 * outcomes (nothing ran, setup failed, bpf_testmod.ko missing) are told apart from test
 * failures, because only failures can be the series' fault.
 */
export function suiteResult(run: SuiteRun): SuiteResult {
  const base: SuiteResult = {
    suite: run.suite.name,
    kind: run.suite.kind,
    outcome: 'ok',
    exitCode: run.exitCode,
    tests: [],
    durationMs: run.durationMs,
  };
  const parsed = parse(parserFor(run.suite), run);
  const asked = run.only?.length
    ? parsed.tests.filter((t) => keep(t, run.only ?? []))
    : parsed.tests;
  const lists = run.lists ?? { deny: [], allow: [] };
  const complete = !run.only?.length && run.exitCode !== null && !run.timedOut;
  const allow = run.only?.length
    ? run.only
    : [...run.suite.allow, ...lists.allow.map((e) => e.pattern)];
  const d = applyDenyLists(run.suite.kind, asked, lists, run.known, complete, allow);
  const tests = d.tests;
  const out: SuiteResult = {
    ...base,
    tests,
    ...(d.denied.length ? { denied: d.denied } : {}),
    ...(d.warnings.length ? { warnings: d.warnings } : {}),
  };
  if (parsed.infra) return { ...out, outcome: 'infra', infraReason: parsed.infra };
  if (run.timedOut) return { ...out, outcome: 'failed', timedOut: true, reason: 'suite timed out' };
  if (run.exitCode === null) return { ...out, outcome: 'failed', reason: 'suite did not finish' };
  if (parsed.reason) return { ...out, outcome: 'failed', reason: parsed.reason };
  // kselftest's KSFT_SKIP (4): the runner skipped itself, which is not a failure. A
  // post-filtered suite exits nonzero for a failure its deny list removed.
  const okExit =
    run.exitCode === 0 || (parserFor(run.suite) === 'tap' && run.exitCode === 4) || d.deniedFailure;
  const failed = !okExit || tests.some((t) => t.status === 'fail');
  return { ...out, outcome: failed ? 'failed' : 'ok' };
}

/** A name asked for by `only` keeps its subtests (`a` keeps `a/x`). */
function keep(test: TestResult, only: string[]): boolean {
  return only.some((n) => test.name === n || test.name.startsWith(`${n}/`));
}

interface Parsed {
  tests: TestResult[];
  infra?: string;
  reason?: string;
}

function parse(parser: ParserName, run: SuiteRun): Parsed {
  switch (parser) {
    case 'test_progs':
      return testProgs(run);
    case 'test_verifier': {
      const p = parseTestVerifier(run.output);
      return p.summary ? { tests: p.tests } : { tests: p.tests, reason: 'no Summary line' };
    }
    case 'test_maps': {
      const p = parseTestMaps(run.output, run.exitCode);
      return p.finished
        ? { tests: p.tests }
        : { tests: p.tests, reason: 'test_maps did not finish' };
    }
    case 'veristat': {
      const p = parseVeristatCsv(run.output);
      const tests = p.rows.map(
        (r): TestResult => ({
          name: veristatName(r),
          status: r.verdict === 'success' ? 'pass' : 'fail',
          ...(r.verdict === 'success' ? {} : { excerpt: `veristat: ${r.prog} failed to verify` }),
          ...metricsOf(r),
        }),
      );
      return p.error ? { tests, reason: `veristat: ${p.error}` } : { tests };
    }
    case 'tap':
      return { tests: parseTap(run.output).tests };
    case 'exit-code':
      return { tests: [exitCodeResult(run)] };
  }
}

function testProgs(run: SuiteRun): Parsed {
  const p = parseTestProgs(run.output);
  let tests = p.tests;
  // Truncated or garbled JSON (a guest that died while writing it): the text stands.
  if (run.json) {
    const json = TestProgsJson.safeParse(safeJson(run.json));
    if (json.success) tests = mergeJson(tests, json.data);
  }
  if (run.exitCode === null || run.timedOut) {
    const why = run.timedOut ? 'test_progs timed out' : 'test_progs did not finish';
    const hung = hungTest(run.output, tests, {
      ...(run.listed ? { listed: run.listed } : {}),
      serial: run.serial ?? [],
      parallel: run.parallel ?? false,
      why,
    });
    if (hung && !tests.some((t) => t.name === hung.name)) tests = [...tests, hung];
  }
  // test_progs.c: EXIT_NO_TEST 2, EXIT_ERR_SETUP_INFRA 3.
  if (run.exitCode === 2) return { tests, infra: 'test_progs ran no test (exit 2)' };
  if (run.exitCode === 3) {
    const why = p.preamble.filter((l) => l.trim()).slice(-1)[0];
    return { tests, infra: `test_progs setup failed (exit 3)${why ? `: ${why}` : ''}` };
  }
  if (p.testmodMissing) {
    const why = p.testmodError ? ` (${p.testmodError})` : '';
    return { tests, infra: `bpf_testmod.ko did not load${why}: tests relying on it skip or fail` };
  }
  if (!p.summary && run.exitCode !== null && !run.timedOut) {
    return { tests, reason: `test_progs ended without a Summary line (exit ${run.exitCode})` };
  }
  return { tests };
}

function exitCodeResult(run: SuiteRun): TestResult {
  if (run.exitCode === 0) return { name: run.suite.name, status: 'pass' };
  const lines = run.output.trimEnd().split('\n').slice(-40).join('\n');
  return { name: run.suite.name, status: 'fail', excerpt: lines || `exit ${run.exitCode}` };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** What growth is judged on (veristat-growth.ts); absent columns stay absent. */
function metricsOf(row: VeristatRow): Pick<TestResult, 'metrics'> {
  const metrics: Record<string, number> = {};
  if (row.insns !== undefined) metrics.insns = row.insns;
  if (row.states !== undefined) metrics.states = row.states;
  return Object.keys(metrics).length ? { metrics } : {};
}
