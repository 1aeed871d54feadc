import { describe, expect, it } from 'vitest';
import { formatSeriesDetail, formatSeriesLine } from '../../../src/series/format.js';
import { normalizeName } from '../../../src/series/link.js';
import type { StoredSeries } from '../../../src/series/types.js';

const series: StoredSeries = {
  id: 7,
  name: 'bpf: size checks',
  version: 3,
  submitter: { name: 'Alice Developer', addr: 'alice@example.com' },
  total: 2,
  treeTag: 'bpf-next',
  rfc: true,
  resend: false,
  coverMessageId: 'cover@x',
  complete: false,
  previousId: 6,
  supersededBy: 9,
  extraPatches: [],
  patches: [
    {
      index: 1,
      messageId: 'p1@x',
      subject: '[RFC PATCH bpf-next v3 1/2] bpf: a',
      rawPath: '/s/mail/aa/aa.eml',
      trailers: [{ name: 'Acked-by', value: 'Bob <bob@example.org>', from: 'r@x' }],
    },
  ],
};

describe('series formatting', () => {
  it('prints one line per series with state, counts and flags', () => {
    expect(formatSeriesLine(series)).toBe(
      '#7  v3  1/2  superseded by #9  bpf-next  <alice@example.com>  [RFC] bpf: size checks',
    );
  });

  it('prints the detail view with links, patches and trailers', () => {
    const text = formatSeriesDetail(series);
    expect(text).toContain('  status      incomplete (1/2 patches)\n');
    expect(text).toContain('  previous    #6\n  superseded  by #9\n');
    expect(text).toContain(
      '  1/2 [RFC PATCH bpf-next v3 1/2] bpf: a\n      <p1@x>\n      Acked-by: Bob <bob@example.org>\n',
    );
  });
});

describe('normalizeName', () => {
  it('ignores case, spacing and a trailing period', () => {
    expect(normalizeName('BPF:  Size checks.')).toBe(normalizeName('bpf: size checks'));
    expect(normalizeName('bpf: a')).not.toBe(normalizeName('bpf: b'));
  });
});
