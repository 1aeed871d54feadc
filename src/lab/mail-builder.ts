/** Builds small synthetic RFC 5322 mails for series-assembly tests. */
export interface MailSpec {
  id: string;
  subject: string;
  from?: string;
  /** Minutes after 2024-05-07 10:00 UTC. */
  minute?: number;
  inReplyTo?: string;
  references?: string[];
  body?: string;
  extraHeaders?: string[];
}

export function mail(spec: MailSpec): Buffer {
  const date = new Date(Date.UTC(2024, 4, 7, 10, spec.minute ?? 0))
    .toUTCString()
    .replace('GMT', '+0000');
  const refs = spec.references ?? (spec.inReplyTo ? [spec.inReplyTo] : []);
  const headers = [
    `From: ${spec.from ?? 'Dana Dev <dana@example.com>'}`,
    `Date: ${date}`,
    `Subject: ${spec.subject}`,
    `Message-ID: <${spec.id}>`,
    ...(spec.inReplyTo ? [`In-Reply-To: <${spec.inReplyTo}>`] : []),
    ...(refs.length ? [`References: ${refs.map((r) => `<${r}>`).join(' ')}`] : []),
    ...(spec.extraHeaders ?? []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
  ];
  return Buffer.from(`${headers.join('\n')}\n\n${spec.body ?? diffBody('f')}`);
}

/** A commit message and a one-line diff touching `file`. */
export function diffBody(file: string, extra = ''): string {
  return `change ${file}\n${extra}\nSigned-off-by: Dana Dev <dana@example.com>\n---\n ${file} | 1 +\n 1 file changed, 1 insertion(+)\n\ndiff --git a/${file} b/${file}\n--- a/${file}\n+++ b/${file}\n@@ -1 +1,2 @@\n x\n+${file}\n`;
}

export const COVER_BODY = 'Cover letter.\n\n 3 files changed, 3 insertions(+)\n';

/** A threaded series: cover `0/n` and patches replying to it. */
export function series(
  tag: string,
  version: number,
  n: number,
  opts: { cover?: boolean; minute?: number; name?: string; tree?: string } = {},
): Buffer[] {
  const v = version > 1 ? ` v${version}` : '';
  const tree = opts.tree ?? 'bpf-next';
  const cover = `${tag}-v${version}-cover@example.com`;
  const out: Buffer[] = [];
  if (opts.cover ?? true) {
    out.push(
      mail({
        id: cover,
        subject: `[PATCH ${tree}${v} 0/${n}] ${opts.name ?? tag}`,
        body: COVER_BODY,
        minute: opts.minute,
      }),
    );
  }
  for (let i = 1; i <= n; i++) {
    out.push(
      mail({
        id: `${tag}-v${version}-${i}@example.com`,
        subject: `[PATCH ${tree}${v} ${i}/${n}] ${tag}: part ${i}`,
        inReplyTo: opts.cover === false ? undefined : cover,
        minute: opts.minute,
        body: diffBody(`${tag}${i}`),
      }),
    );
  }
  return out;
}
