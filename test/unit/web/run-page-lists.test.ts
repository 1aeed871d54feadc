import { describe, expect, it } from 'vitest';
import { html } from '../../../src/web/html.js';
import { growthNotes, listNotes } from '../../../src/web/pages/suite-notes.js';

describe('run page: what the lists did', () => {
  it('shows denied tests with reason and link, tool infrastructure and warnings, escaped', () => {
    const out = html`${listNotes({
      suite: 'test_progs',
      kind: 'test_progs',
      outcome: 'ok',
      exitCode: 0,
      durationMs: 1,
      tests: [],
      denied: [
        {
          name: 'get_stack_raw_tp',
          pattern: 'get_stack_raw_tp',
          source: 'DENYLIST:2',
          reason: '<img src=x onerror=alert(1)>',
          link: 'https://lore.kernel.org/bpf/x',
        },
      ],
      infraTests: [{ name: 'netcnt', reason: 'guest root lacks ping' }],
      warnings: ['deny entry "gone" (DENYLIST:9) matches no test of this suite'],
    })}`.value;
    expect(out).toContain('denied</span> <code>get_stack_raw_tp</code>');
    expect(out).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(out).not.toContain('<img');
    expect(out).toContain('https://lore.kernel.org/bpf/x');
    expect(out).toContain('<code>netcnt</code>: guest root lacks ping');
    expect(out).toContain('matches no test of this suite');
  });

  it("shows a veristat suite's growth against the base, escaped", () => {
    const verdict = {
      verdict: 'warning' as const,
      summary: 'no new failures',
      failures: [],
      extraRuns: 0,
      growth: [
        {
          suite: 'veristat',
          name: '<b>x.bpf.o/main',
          metric: 'insns' as const,
          base: 900,
          series: 1200,
          percent: 33.3,
        },
        {
          suite: 'other',
          name: 'y.bpf.o/main',
          metric: 'insns' as const,
          base: 900,
          series: 1200,
          percent: 33.3,
        },
      ],
    };
    const out = html`${growthNotes(verdict, 'veristat')}`.value;
    expect(out).toContain('<code>&lt;b&gt;x.bpf.o/main</code> insns');
    expect(out).toContain('900 → 1200 (+33.3%)');
    expect(out).not.toContain('y.bpf.o');
  });
});
