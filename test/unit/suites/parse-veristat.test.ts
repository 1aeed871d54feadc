import { describe, expect, it } from 'vitest';
import { parseVeristatCsv, veristatName } from '../../../src/pipeline/suites/parse-veristat.js';

// What 6.1's output_headers(RESFMT_CSV) prints for the -e in parse-veristat.ts: each
// stat's names[0], comma-joined, then output_stats' rows ("%s" strings, "%ld" numbers).
const HEADER = 'file_name,prog_name,verdict,duration,total_insns,total_states,peak_states';
const csv = (...lines: string[]): string => `${lines.join('\n')}\n`;

describe('parseVeristatCsv', () => {
  it('reads the rows after stderr noise, by the header', () => {
    const p = parseVeristatCsv(
      csv(
        "Failed to open 'linked_funcs1.bpf.o': -22",
        HEADER,
        'pyperf600.bpf.o,on_event,success,250318,533125,36218,2516',
        'test_verif_scale1.bpf.o,balancer_ingress,failure,1842,8400,12,9',
        'xdp_synproxy_kern.bpf.o,syncookie_tc,failure,0,0,0,0',
      ),
    );
    expect(p.error).toBeUndefined();
    expect(p.rows).toStrictEqual([
      {
        file: 'pyperf600.bpf.o',
        prog: 'on_event',
        verdict: 'success',
        durationUs: 250318,
        insns: 533125,
        states: 36218,
        peakStates: 2516,
      },
      {
        file: 'test_verif_scale1.bpf.o',
        prog: 'balancer_ingress',
        verdict: 'failure',
        durationUs: 1842,
        insns: 8400,
        states: 12,
        peakStates: 9,
      },
      {
        file: 'xdp_synproxy_kern.bpf.o',
        prog: 'syncookie_tc',
        verdict: 'failure',
        durationUs: 0,
        insns: 0,
        states: 0,
        peakStates: 0,
      },
    ]);
  });

  it('keys on column names, not positions, and ignores columns it does not know', () => {
    const p = parseVeristatCsv(
      csv(
        'verdict,prog_name,max_states_per_insn,file_name,total_insns',
        'success,on_event,54,pyperf600.bpf.o,533125',
      ),
    );
    expect(p.rows).toStrictEqual([
      { file: 'pyperf600.bpf.o', prog: 'on_event', verdict: 'success', insns: 533125 },
    ]);
  });

  it('unquotes RFC 4180 fields', () => {
    const p = parseVeristatCsv(csv(HEADER, '"odd,name ""v2"".bpf.o",handler,success,"17",120,3,2'));
    expect(p.rows.map((r) => [r.file, r.durationUs])).toEqual([['odd,name "v2".bpf.o', 17]]);
  });

  it('drops a last row cut before its newline, even one that still looks whole', () => {
    const whole = 'bpf_flow.bpf.o,_dissect,success,905,1420,94,38';
    const cut = parseVeristatCsv(`${HEADER}\n${whole}\nloop3.bpf.o,while_true,success,12`);
    expect(cut.rows.map(veristatName)).toEqual(['bpf_flow.bpf.o/_dissect']);
    expect(parseVeristatCsv(`${HEADER}\n${whole}`).rows).toEqual([]);
  });

  it('leaves out lines that are not whole rows', () => {
    const p = parseVeristatCsv(
      csv(
        HEADER,
        'a.bpf.o,short,success,1',
        '"b.bpf.o,open,success,1,2,3,4',
        'c.bpf.o,maybe,unknown,1,2,3,4',
        HEADER,
        'd.bpf.o,kept,success,1,2,3,4',
      ),
    );
    expect(p.rows.map(veristatName)).toEqual(['d.bpf.o/kept']);
  });

  it('is an error without a CSV header: table output, or nothing', () => {
    const table = csv(
      "Processing 'pyperf600.bpf.o'...",
      'File             Program   Verdict  Duration (us)  Total insns  Total states  Peak states',
      '---------------  --------  -------  -------------  -----------  ------------  -----------',
      'pyperf600.bpf.o  on_event  success         250318       533125         36218         2516',
    );
    for (const text of [table, '', 'Please provide path to BPF object file!\n']) {
      const p = parseVeristatCsv(text);
      expect(p.rows).toEqual([]);
      expect(p.error).toMatch(/no veristat CSV header/);
    }
  });

  it('is an error when the header has no verdict (-C output)', () => {
    const p = parseVeristatCsv(
      csv(
        'file_name,prog_name,verdict_base,verdict_comp,verdict_diff',
        'pyperf600.bpf.o,on_event,success,failure,MISMATCH',
      ),
    );
    expect(p.rows).toEqual([]);
    expect(p.error).toMatch(/no verdict column/);
  });
});
