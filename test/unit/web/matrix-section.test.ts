import { describe, expect, it } from 'vitest';
import { html } from '../../../src/web/html.js';
import { matrixSection } from '../../../src/web/pages/matrix-section.js';
import { SCENARIOS } from '../report/scenarios.js';

const render = (name: string) => html`${matrixSection(SCENARIOS[name])}`.value;

describe('run page: the older-kernel matrix', () => {
  it('is a table of kernel by suite, with counts and each kernel status', () => {
    const out = render('older-kernel-failure');
    expect(out).toContain('<h2>Older kernels</h2><p>the series changes tools/lib/bpf/libbpf.c');
    expect(out).toContain('<th>test_progs</th><th>test_verifier</th>');
    // debian-6.1's test_progs: 3 pass, 2 fail, one of them new.
    expect(out).toMatch(/debian-6\.1 <span class="muted">6\.1\.0-57-amd64<\/span>/);
    expect(out).toMatch(
      /3 pass · <span class="c-fail">2 fail<\/span> \(1 new\)\s+· 0 denied · 0 skipped/,
    );
    expect(out).toContain('<td class="c-infra">infra</td>');
    expect(out).toContain('no GUEST-READY on the console');
  });

  it('says when and why a series skipped it', () => {
    expect(render('older-kernel-skipped')).toContain(
      'Not run: the series changes nothing under tools/lib/bpf/',
    );
    expect(render('success')).toBe('');
  });

  it('marks a denied test that passed there as a stale entry', () => {
    const v = structuredClone(SCENARIOS['older-kernel-failure']);
    const suite = v?.matrix?.kernels[0]?.boot?.suites[1];
    if (!v || !suite) throw new Error('scenario changed');
    suite.denied = [
      {
        name: '#2 xor',
        pattern: '#2 xor',
        source: 'matrix/debian-6.1/DENYLIST.test_verifier:1',
        passed: true,
      },
    ];
    const out = html`${matrixSection(v)}`.value;
    expect(out).toContain('<b>test_verifier on debian-6.1</b>');
    expect(out).toContain('stale</span>: it passed here, the entry can go');
  });
});
