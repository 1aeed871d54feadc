import { describe, expect, it } from 'vitest';
import { escapeHtml, html, query, safeUrl } from '../../../src/web/html.js';
import { lineChart } from '../../../src/web/svg-chart.js';

describe('web/html', () => {
  it('escapes every interpolated string, also inside attributes', () => {
    const subject = `<script>alert("x")</script> & 'quote'`;
    const out = html`<a title="${subject}">${subject}</a>`.value;
    expect(out).toBe(
      '<a title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quote&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quote&#39;</a>',
    );
  });

  it('nests Html without double escaping and drops null, undefined and false', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`${[inner, null, undefined, false, 3]}`.value).toBe('<b>&lt;i&gt;</b>3');
  });

  it('links only http(s) URLs and encodes query values', () => {
    expect(safeUrl('javascript:alert(1)')).toBeUndefined();
    expect(safeUrl('https://patchwork.kernel.org/series/1/')).toBe(
      'https://patchwork.kernel.org/series/1/',
    );
    expect(query({ tree: 'bpf&next', all: 1, none: undefined })).toBe('?tree=bpf%26next&all=1');
    expect(escapeHtml('"<>&\'')).toBe('&quot;&lt;&gt;&amp;&#39;');
  });
});

describe('web/svg-chart', () => {
  it('draws one path per series, breaks lines at gaps and escapes labels', () => {
    const svg = lineChart({
      title: 'a <b> title',
      xLabels: ['d1', 'd2', 'd3', 'd4'],
      series: [{ label: 'rate', color: '#000', values: [1, null, 0.5, 0.25] }],
      yMax: 1,
    });
    expect(svg).toContain('<title>a &lt;b&gt; title</title>');
    const d = svg.match(/<path d="([^"]+)"/)?.[1] ?? '';
    expect(d.match(/M/g)).toHaveLength(2);
    expect(d.match(/L/g)).toHaveLength(1);
    expect(svg.match(/<circle/g)).toHaveLength(3);
  });
});
