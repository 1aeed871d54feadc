import { hasDiff, hasDiffstat } from './body.js';
import type { SubjectInfo } from './subject.js';

export type MessageKind = 'patch' | 'cover' | 'reply' | 'pull' | 'other';

/**
 * b4's LoreMailbox.add_message order: a reply marker wins, then a pull request,
 * then "has a diff" makes a patch, and a `0/N` (or a PATCH mail with only a
 * diffstat) is a cover letter. A mail that answers another without `Re:` is
 * still a follow-up, so its trailers count.
 */
export function classify(subject: SubjectInfo, body: string, inReplyTo?: string): MessageKind {
  if (subject.reply) return 'reply';
  if (subject.pull || /^The following changes since commit [0-9a-f]{7,}/m.test(body)) return 'pull';
  if (!subject.counterInferred && subject.index === 0) return 'cover';
  if (hasDiff(body)) return 'patch';
  if (subject.patch && hasDiffstat(body)) return 'cover';
  if (inReplyTo) return 'reply';
  return 'other';
}
