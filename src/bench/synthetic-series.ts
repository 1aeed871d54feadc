/**
 * Small synthetic one-patch series for the bench: valid list mail (Message-ID,
 * Date, List-Id, a real diff) that ingest assembles into one complete series
 * each, all distinct so nothing is a duplicate.
 */
export function syntheticSeries(n: number, tag = 'bench'): Buffer {
  const date = new Date(Date.UTC(2026, 0, 1) + n * 60_000).toUTCString();
  return Buffer.from(
    [
      `Message-Id: <${tag}-${n}@bench.example.org>`,
      `From: Bench Author ${n} <bench${n}@example.org>`,
      `Date: ${date}`,
      `Subject: [PATCH bpf-next] bpf: synthetic change ${n}`,
      'To: bpf@vger.kernel.org',
      'List-Id: <bpf.vger.kernel.org>',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=UTF-8',
      '',
      `Synthetic change number ${n} for the RSS bench.`,
      '',
      `Signed-off-by: Bench Author ${n} <bench${n}@example.org>`,
      '---',
      ' kernel/bpf/core.c | 1 +',
      ' 1 file changed, 1 insertion(+)',
      '',
      'diff --git a/kernel/bpf/core.c b/kernel/bpf/core.c',
      '--- a/kernel/bpf/core.c',
      '+++ b/kernel/bpf/core.c',
      '@@ -1,1 +1,2 @@',
      ' /* SPDX-License-Identifier: GPL-2.0 */',
      `+/* bench ${n} */`,
      '-- ',
      '2.43.0',
      '',
    ].join('\n'),
  );
}
