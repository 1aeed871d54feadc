import { readFileSync } from 'node:fs';
import libmime from 'libmime';
import { quoteMboxrd } from '../mail/mbox.js';
import { parseMessage } from '../mail/parse.js';
import type { StoredPatch, StoredSeries } from './types.js';

export interface PatchMboxOptions {
  /** Add the review trailers collected from replies to each commit message, as `b4 am` does. */
  trailers?: boolean;
}

/**
 * The series' patches (1..upTo, in index order) as one mboxrd text for
 * `git am`. Each message is rebuilt from the decoded text, so a base64 or
 * quoted-printable body, or a patch sent as an attachment, reaches git-am as a
 * plain 8-bit patch; headers are re-encoded from the cleaned values.
 */
export function readPatchMbox(
  series: StoredSeries,
  upTo?: number,
  options: PatchMboxOptions = {},
): string {
  const last = upTo ?? series.total;
  return series.patches
    .filter((p) => p.index >= 1 && p.index <= last)
    .sort((a, b) => a.index - b.index)
    .map((p) => patchMessage(p, options.trailers ?? true))
    .join('\n');
}

function patchMessage(patch: StoredPatch, addTrailers: boolean): string {
  const raw = readFileSync(patch.rawPath);
  const parsed = parseMessage(raw, { maxBytes: raw.length });
  if (!parsed.ok)
    throw new Error(`stored patch ${patch.messageId} no longer parses: ${parsed.reason}`);
  const m = parsed.message;
  const from = m.fromName
    ? `${libmime.encodeWords(m.fromName, 'Q', 52)} <${m.fromAddr}>`
    : m.fromAddr;
  const date = m.date ? new Date(m.date).toUTCString().replace('GMT', '+0000') : undefined;
  const body = addTrailers ? withTrailers(m.body, patch.trailers) : m.body;
  const headers = [
    `From ${m.sha256.slice(0, 40)} Mon Sep 17 00:00:00 2001`,
    `From: ${from}`,
    ...(date ? [`Date: ${date}`] : []),
    `Subject: ${libmime.encodeWords(m.subjectRaw, 'Q', 52)}`,
    `Message-ID: <${m.messageId}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: 8bit',
  ];
  return `${headers.join('\n')}\n\n${quoteMboxrd(body.replace(/\n*$/, '\n'))}`;
}

/** Appends trailers the commit message lacks, before the `---` that starts the diffstat. */
function withTrailers(body: string, trailers: StoredPatch['trailers']): string {
  const cut = body.search(/^---$/m);
  const head = cut < 0 ? body : body.slice(0, cut);
  const tail = cut < 0 ? '' : body.slice(cut);
  const missing = trailers
    .map((t) => `${t.name}: ${t.value}`)
    .filter((line, i, all) => all.indexOf(line) === i && !head.includes(line));
  if (missing.length === 0) return body;
  return `${head.replace(/\s*$/, '')}\n${missing.join('\n')}\n${tail}`;
}
