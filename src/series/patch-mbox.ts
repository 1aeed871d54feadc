import { readFileSync } from 'node:fs';
import libmime from 'libmime';
import { quoteMboxrd } from '../mail/mbox.js';
import { type ParsedMessage, parseMessage } from '../mail/parse.js';
import { withTrailers } from './add-trailers.js';
import { plainBodyOf } from './plain-body.js';
import type { StoredPatch, StoredSeries } from './types.js';

export interface PatchMboxOptions {
  /** Add the review trailers collected from replies to each commit message, as `b4 am` does. */
  trailers?: boolean;
}

/**
 * The series' patches (1..upTo, in index order) as one mboxrd file for
 * `git am --patch-format=mboxrd`. A plain 8-bit mail keeps its body bytes as
 * they arrived (and its charset), so git am sees exactly what a maintainer's
 * `git am` of the list mail sees, non-UTF-8 bytes and `From ` lines included.
 * A base64, quoted-printable or multipart mail (a patch sent as an attachment)
 * is rebuilt from the decoded text instead. Headers are always re-encoded from
 * the cleaned values.
 */
export function readPatchMbox(
  series: StoredSeries,
  upTo?: number,
  options: PatchMboxOptions = {},
): Buffer {
  const last = upTo ?? series.total;
  const entries = series.patches
    .filter((p) => p.index >= 1 && p.index <= last)
    .sort((a, b) => a.index - b.index)
    .map((p) => patchMessage(p, options.trailers ?? true));
  return Buffer.concat(entries.flatMap((e, i) => (i === 0 ? [e] : [Buffer.from('\n'), e])));
}

function patchMessage(patch: StoredPatch, addTrailers: boolean): Buffer {
  const raw = readFileSync(patch.rawPath);
  const parsed = parseMessage(raw, { maxBytes: raw.length });
  if (!parsed.ok)
    throw new Error(`stored patch ${patch.messageId} no longer parses: ${parsed.reason}`);
  const m = parsed.message;
  const trailers = addTrailers ? missingTrailers(m.body, patch.trailers) : [];
  const plain = plainBodyOf(raw, trailers);
  const body = plain
    ? plain.body
    : Buffer.from(withTrailers(m.body, trailers).replace(/\n*$/, '\n'), 'utf8');
  const head = Buffer.from(`${headers(m, plain ? plain.charset : 'UTF-8').join('\n')}\n\n`);
  return Buffer.concat([head, Buffer.from(quoteMboxrd(body.toString('latin1')), 'latin1')]);
}

function headers(m: ParsedMessage, charset: string | undefined): string[] {
  const from = m.fromName
    ? `${libmime.encodeWords(m.fromName, 'Q', 52)} <${m.fromAddr}>`
    : m.fromAddr;
  const date = m.date ? new Date(m.date).toUTCString().replace('GMT', '+0000') : undefined;
  return [
    `From ${m.sha256.slice(0, 40)} Mon Sep 17 00:00:00 2001`,
    `From: ${from}`,
    ...(date ? [`Date: ${date}`] : []),
    `Subject: ${libmime.encodeWords(m.subjectRaw, 'Q', 52)}`,
    `Message-ID: <${m.messageId}>`,
    'MIME-Version: 1.0',
    `Content-Type: text/plain${charset ? `; charset=${charset}` : ''}`,
    'Content-Transfer-Encoding: 8bit',
  ];
}

/** Review trailers the commit message lacks, in order, each once. */
function missingTrailers(body: string, trailers: StoredPatch['trailers']): string[] {
  const cut = body.search(/^---$/m);
  const head = cut < 0 ? body : body.slice(0, cut);
  return trailers
    .map((t) => `${t.name}: ${t.value}`)
    .filter((line, i, all) => all.indexOf(line) === i && !head.includes(line));
}
