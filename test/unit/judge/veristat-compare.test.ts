import { describe, expect, it } from 'vitest';
import { compareVeristat } from '../../../src/pipeline/judge/veristat-compare.js';
import { parseVeristatCsv, type VeristatRow } from '../../../src/pipeline/suites/parse-veristat.js';

const row = (
  prog: string,
  verdict: VeristatRow['verdict'],
  insns = 1000,
  states = 100,
): VeristatRow => ({ file: 'progs.bpf.o', prog, verdict, insns, states });
const opts = { growthPercent: 10 };

describe('compareVeristat', () => {
  it('fails only a program the base verified', () => {
    const cmp = compareVeristat(
      [row('broke', 'success'), row('still', 'failure'), row('fixed', 'failure')],
      [row('broke', 'failure'), row('still', 'failure'), row('fixed', 'success')],
      opts,
    );
    expect(cmp.newFailures).toEqual([row('broke', 'failure')]);
    expect(cmp.growth).toEqual([]);
  });

  it('lists added and removed programs, and never fails an added one', () => {
    const cmp = compareVeristat(
      [row('kept', 'success'), row('gone', 'success')],
      [row('kept', 'success'), row('new', 'failure')],
      opts,
    );
    expect(cmp.added).toEqual(['progs.bpf.o/new']);
    expect(cmp.removed).toEqual(['progs.bpf.o/gone']);
    expect(cmp.newFailures).toEqual([]);
  });

  it('reports growth beyond the percent, per metric', () => {
    const cmp = compareVeristat(
      [row('insns', 'success', 1000, 100), row('states', 'success', 1000, 100)],
      [row('insns', 'success', 1200, 100), row('states', 'success', 1000, 150)],
      opts,
    );
    expect(cmp.growth).toEqual([
      { name: 'progs.bpf.o/insns', metric: 'insns', base: 1000, series: 1200, percent: 20 },
      { name: 'progs.bpf.o/states', metric: 'states', base: 100, series: 150, percent: 50 },
    ]);
  });

  it('needs more than the percent: exactly at it, or shrinking, is not growth', () => {
    const cmp = compareVeristat(
      [row('at', 'success', 1000), row('shrank', 'success', 1000)],
      [row('at', 'success', 1100), row('shrank', 'success', 500)],
      opts,
    );
    expect(cmp.growth).toEqual([]);
  });

  it('ignores growth of programs below minInsns on the base (100 by default)', () => {
    const base = [row('tiny', 'success', 99, 5), row('edge', 'success', 100, 5)];
    const series = [row('tiny', 'success', 150, 9), row('edge', 'success', 150, 5)];
    expect(compareVeristat(base, series, opts).growth.map((g) => g.name)).toEqual([
      'progs.bpf.o/edge',
    ]);
    expect(compareVeristat(base, series, { ...opts, minInsns: 101 }).growth).toEqual([]);
  });

  it('does not measure growth against or into a failure', () => {
    const cmp = compareVeristat(
      [row('broke', 'success', 1000), row('fixed', 'failure', 1000)],
      [row('broke', 'failure', 5000), row('fixed', 'success', 5000)],
      opts,
    );
    expect(cmp.growth).toEqual([]);
    expect(cmp.newFailures.map((r) => r.prog)).toEqual(['broke']);
  });

  it('judges parsed veristat CSV by file and program', () => {
    const header = 'file_name,prog_name,verdict,duration,total_insns,total_states,peak_states';
    const base = parseVeristatCsv(
      `${header}\na.bpf.o,main,success,10,500,40,9\nb.bpf.o,main,success,10,500,40,9\n`,
    );
    const series = parseVeristatCsv(
      `${header}\na.bpf.o,main,success,10,500,40,9\nb.bpf.o,main,failure,10,30,2,2\n`,
    );
    const cmp = compareVeristat(base.rows, series.rows, opts);
    expect(cmp.newFailures.map((r) => `${r.file}/${r.prog}`)).toEqual(['b.bpf.o/main']);
    expect(cmp.added).toEqual([]);
  });
});
