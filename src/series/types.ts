/** A series revision as the store knows it: what the pipeline and the reports read. */
export interface StoredSeries {
  id: number;
  name: string;
  version: number;
  submitter: { name: string; addr: string };
  total: number;
  treeTag?: string;
  rfc: boolean;
  resend: boolean;
  coverMessageId?: string;
  coverSubject?: string;
  baseCommit?: string;
  changeId?: string;
  complete: boolean;
  previousId?: number;
  supersededBy?: number;
  patchworkId?: number;
  patchworkUrl?: string;
  /** Patchwork's delegate (username), for routing when the subject has no tree tag. */
  patchworkDelegate?: string;
  patches: StoredPatch[];
  /** Why the series is shown but not tested (odd subject, two patches in one slot). */
  heldReason?: string;
  /** Patches that claimed a slot another patch already had, kept aside. */
  extraPatches: { index: number; messageId: string; subject: string }[];
}

export interface StoredPatch {
  index: number;
  messageId: string;
  subject: string;
  /** Absolute path of the raw .eml (the DB keeps it relative to the state dir). */
  rawPath: string;
  /** Series id of the older revision this patch was carried over from (partial re-roll). */
  inheritedFrom?: number;
  patchworkId?: number;
  patchworkUrl?: string;
  /** Review trailers from replies to this patch or to the cover; `from` is the reply's Message-ID. */
  trailers: { name: string; value: string; from: string }[];
}

export interface IngestSummary {
  /** Message-IDs stored by this call. */
  stored: string[];
  /** Message-IDs already stored with the same bytes: nothing changed. */
  duplicates: string[];
  rejected: { messageId?: string; reason: string }[];
  /** Series created or changed by this call. */
  seriesTouched: number[];
}
