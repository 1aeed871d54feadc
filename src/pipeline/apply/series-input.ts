/**
 * What the apply stage needs from a series: deliberately narrow, so it does not
 * depend on how the series store keeps them (the CLI and the runner adapt).
 */
export interface SeriesPatchInput {
  /** 1-based position in the series. */
  index: number;
  /** The subject without the [PATCH ...] prefix (used for "already applied" by subject). */
  subject: string;
  /** The patch as an mboxrd file (bytes are passed to `git am --patch-format=mboxrd` unchanged). */
  mbox: string | Buffer;
}

export interface SeriesForApply {
  /** First tree-like subject prefix ("bpf-next"), if any. */
  treeTag?: string;
  /** `base-commit:` from the cover letter or a patch footer (untrusted text). */
  baseCommit?: string;
  /** The Patchwork delegate's username, when the series came from Patchwork. */
  delegate?: string;
  /** How many patches the series says it has (N of [PATCH n/N]); fewer is "incomplete". */
  expected?: number;
  patches: SeriesPatchInput[];
}

/** Strips "[PATCH bpf-next v2 1/3]" and "Re:" style prefixes and squashes whitespace. */
export function normaliseSubject(subject: string): string {
  let s = subject.trim();
  for (;;) {
    const next = s.replace(/^(\[[^\]]*\]|re:|fwd?:)\s*/i, '');
    if (next === s) break;
    s = next;
  }
  return s.replace(/\s+/g, ' ').toLowerCase();
}
