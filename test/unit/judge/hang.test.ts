import { describe, expect, it } from 'vitest';
import { hangOf, observationsOf } from '../../../src/verdict/observations.js';
import type { BootResult } from '../../../src/verdict/stages.js';
import type { SuiteResult } from '../../../src/verdict/tests.js';

const suite = (name: string, exitCode: number | null, tests: SuiteResult['tests']) =>
  ({ suite: name, kind: name, outcome: 'ok', exitCode, tests, durationMs: 1 }) as SuiteResult;

const boot = (status: BootResult['status'], suites: SuiteResult[]): BootResult => ({
  status,
  reason: 'suite test_progs (360 s) timeout ran out; VM killed',
  kernel: 'bzImage',
  accel: 'tcg',
  suites,
  crashes: [],
  durationMs: 1,
});

describe('a guest that hung', () => {
  it('is a kernel pseudo-test named by the suite it hung in, with the last test started', () => {
    const hung = boot('timeout', [
      suite('test_verifier', 0, [{ name: 'add+sub+mul [p]', status: 'pass' }]),
      suite('test_progs', null, [
        { name: 'align', status: 'pass' },
        { name: 'timer', status: 'fail', excerpt: 'no result: the first listed test without…' },
      ]),
      suite('test_maps', null, []),
    ]);
    expect(hangOf(hung)).toEqual({
      suite: 'kernel',
      name: 'hang: test_progs',
      status: 'fail',
      excerpt:
        'suite test_progs (360 s) timeout ran out; VM killed; last test started: test_progs/timer',
    });
    // It is judged with the suites' own results, so the base's results compare.
    expect(observationsOf(hung).map((t) => `${t.suite}/${t.name}:${t.status}`)).toEqual([
      'test_verifier/add+sub+mul [p]:pass',
      'test_progs/align:pass',
      'test_progs/timer:fail',
      'kernel/hang: test_progs:fail',
    ]);
  });

  it('is nothing for a boot that finished or crashed', () => {
    expect(hangOf(boot('ok', [suite('test_progs', 0, [])]))).toBeUndefined();
    expect(hangOf(boot('crash', [suite('test_progs', null, [])]))).toBeUndefined();
  });

  it('is named `hang` when no suite had started', () => {
    expect(hangOf(boot('timeout', [suite('test_progs', 0, [])]))?.name).toBe('hang');
  });
});
