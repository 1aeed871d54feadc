import { describe, expect, it } from 'vitest';
import { Suite } from '../../../src/config/sections/pipeline.js';
import { veristatGrowth } from '../../../src/pipeline/judge/veristat-growth.js';
import { suiteResult } from '../../../src/pipeline/suites/result.js';
import type { TestObservation } from '../../../src/verdict/observations.js';
import { observationsOf } from '../../../src/verdict/observations.js';

const prog = (
  name: string,
  status: TestObservation['status'],
  insns = 1000,
  states = 100,
  suite = 'veristat',
): TestObservation => ({ suite, name: `progs.bpf.o/${name}`, status, metrics: { insns, states } });
const opts = { suite: 'veristat', growthPercent: 10 };

describe('veristatGrowth', () => {
  it('reports growth beyond the percent, per metric, rounded to one decimal', () => {
    const growth = veristatGrowth(
      [prog('insns', 'pass', 1200, 100), prog('states', 'pass', 1000, 133)],
      [prog('insns', 'pass', 1000, 100), prog('states', 'pass', 1000, 120)],
      opts,
    );
    expect(growth).toEqual([
      {
        suite: 'veristat',
        name: 'progs.bpf.o/insns',
        metric: 'insns',
        base: 1000,
        series: 1200,
        percent: 20,
      },
      {
        suite: 'veristat',
        name: 'progs.bpf.o/states',
        metric: 'states',
        base: 120,
        series: 133,
        percent: 10.8,
      },
    ]);
  });

  it('needs more than the percent: exactly at it, or shrinking, is not growth', () => {
    const growth = veristatGrowth(
      [prog('at', 'pass', 1100), prog('shrank', 'pass', 500)],
      [prog('at', 'pass', 1000), prog('shrank', 'pass', 1000)],
      opts,
    );
    expect(growth).toEqual([]);
  });

  it('ignores programs below minInsns on the base (100 by default)', () => {
    const base = [prog('tiny', 'pass', 99, 5), prog('edge', 'pass', 100, 5)];
    const series = [prog('tiny', 'pass', 150, 9), prog('edge', 'pass', 150, 5)];
    expect(veristatGrowth(series, base, opts).map((g) => g.name)).toEqual(['progs.bpf.o/edge']);
    expect(veristatGrowth(series, base, { ...opts, minInsns: 101 })).toEqual([]);
  });

  it('does not measure against or into a failure, nor added programs, nor other suites', () => {
    const growth = veristatGrowth(
      [
        prog('broke', 'fail', 5000),
        prog('fixed', 'pass', 5000),
        prog('added', 'pass', 5000),
        prog('other', 'pass', 5000, 100, 'veristat-cpuv4'),
      ],
      [
        prog('broke', 'pass'),
        prog('fixed', 'fail'),
        prog('other', 'pass', 1000, 100, 'veristat-cpuv4'),
      ],
      opts,
    );
    expect(growth).toEqual([]);
  });

  it('reads the metrics the veristat suite parsed from the real 6.1 CSV', () => {
    const header = 'file_name,prog_name,verdict,duration,total_insns,total_states,peak_states';
    const suite = Suite.parse({ name: 'veristat', kind: 'veristat' });
    const tests = (rows: string): TestObservation[] => {
      const run = {
        suite,
        output: `${header}\n${rows}`,
        exitCode: 0,
        timedOut: false,
        durationMs: 1,
      };
      const boot = {
        status: 'ok' as const,
        kernel: 'k',
        accel: 'tcg' as const,
        crashes: [],
        durationMs: 1,
      };
      return observationsOf({ ...boot, suites: [suiteResult(run)] });
    };
    const growth = veristatGrowth(
      tests('pyperf600.bpf.o,on_event,success,900,112300,5100,310\n'),
      tests('pyperf600.bpf.o,on_event,success,800,90412,4000,300\n'),
      opts,
    );
    expect(growth.map((g) => [g.metric, g.base, g.series, g.percent])).toEqual([
      ['insns', 90412, 112300, 24.2],
      ['states', 4000, 5100, 27.5],
    ]);
  });
});
