import { describe, expect, it } from 'vitest';
import { seriesVerdict } from '../../../src/pipeline/judge/verdict.js';
import type { JudgedFailure } from '../../../src/verdict/failures.js';
import type { ApplyResult, BuildResult } from '../../../src/verdict/stages.js';

const f = (cls: JudgedFailure['class']): JudgedFailure => ({ suite: 's', name: cls, class: cls });
const apply = (status: ApplyResult['status']): ApplyResult => ({
  status,
  tree: 'bpf-next',
  baseSha: 'a'.repeat(40),
  baseReason: 'default',
  patches: [
    { index: 1, subject: 'one', status: 'applied' },
    { index: 2, subject: 'two', status: status === 'conflict' ? 'failed' : 'applied' },
  ],
});
const build = (status: BuildResult['status']): BuildResult => ({
  status,
  target: 'kernel',
  durationMs: 1,
  warnings: 0,
  newWarnings: [],
  compiled: 1,
  guiltyPatch: 2,
});

describe('seriesVerdict', () => {
  it('is success with nothing new, mentioning fixes', () => {
    expect(seriesVerdict({ failures: [] })).toEqual({
      verdict: 'success',
      summary: 'no new failures',
    });
    expect(seriesVerdict({ failures: [f('fixed')] }).summary).toBe(
      'no new failures; fixes 1 base failure',
    );
  });

  it('is a warning when only failures the series did not cause were seen', () => {
    const v = seriesVerdict({ failures: [f('flaky'), f('pre-existing'), f('pre-existing')] });
    expect(v).toEqual({
      verdict: 'warning',
      summary: 'no new failures; 2 pre-existing, 1 flaky not caused by the series',
    });
  });

  it('is a warning, never a failure, when veristat programs grew', () => {
    const g = (name: string, metric: 'insns' | 'states') => ({
      suite: 'veristat',
      name,
      metric,
      base: 1000,
      series: 1300,
      percent: 30,
    });
    const growth = [
      g('a.bpf.o/main', 'insns'),
      g('a.bpf.o/main', 'states'),
      g('b.bpf.o/x', 'insns'),
    ];
    expect(seriesVerdict({ failures: [], growth })).toEqual({
      verdict: 'warning',
      summary: 'no new failures; 2 veristat programs cost the verifier more',
    });
    expect(
      seriesVerdict({ failures: [f('pre-existing')], growth: growth.slice(0, 1) }).summary,
    ).toBe(
      'no new failures; 1 pre-existing not caused by the series; 1 veristat program cost the verifier more',
    );
    expect(seriesVerdict({ failures: [f('new')], growth }).verdict).toBe('failure');
  });

  it('is a failure for a new failure, a conflict or a build break', () => {
    expect(seriesVerdict({ failures: [f('new'), f('flaky')] }).verdict).toBe('failure');
    expect(seriesVerdict({ apply: apply('conflict'), failures: [] })).toMatchObject({
      verdict: 'failure',
      summary: expect.stringContaining('patch 2 ("two") does not apply'),
    });
    expect(
      seriesVerdict({ apply: apply('pass'), build: [build('fail')], failures: [] }).summary,
    ).toBe('kernel build fails (first broken by patch 2)');
  });

  it('is infra whatever else was seen', () => {
    const v = seriesVerdict({ failures: [f('new')], infraReason: 'base does not boot' });
    expect(v).toEqual({
      verdict: 'infra',
      summary: 'infrastructure problem, not the series: base does not boot',
    });
  });

  it('does not fail an already-applied series', () => {
    expect(seriesVerdict({ apply: apply('already-applied'), failures: [] }).verdict).toBe(
      'warning',
    );
  });
});
