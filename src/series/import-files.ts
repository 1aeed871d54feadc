import { readFileSync } from 'node:fs';
import { BotError, errorMessage } from '../errors.js';
import { isMbox, splitMbox } from '../mail/mbox.js';
import { type IngestContext, ingestMessages } from './ingest.js';
import type { IngestSummary } from './types.js';

export interface FileImport {
  file: string;
  messages: number;
  summary: IngestSummary;
}

/** Reads an mbox (mboxo or mboxrd) or a single .eml into raw messages. */
export function readMailFile(file: string): Buffer[] {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (err) {
    throw new BotError('USAGE', `cannot read ${file}: ${errorMessage(err)}`, { cause: err });
  }
  // An empty (or blank) file is an mbox of no messages, not a broken mail.
  if (data.toString('latin1').trim().length === 0) return [];
  return isMbox(data) ? splitMbox(data) : [data];
}

/**
 * Imports files, all of them in one transaction: either every file's messages
 * are stored and assembled, or (on an infrastructure error) none are.
 */
export function importFiles(ctx: IngestContext, files: string[], source = 'import'): FileImport[] {
  const raws = files.map((file) => ({ file, raws: readMailFile(file) }));
  return ctx.db.transaction(() =>
    raws.map(({ file, raws }) => ({
      file,
      messages: raws.length,
      summary: ingestMessages(ctx, raws, `${source}:${file}`),
    })),
  )();
}
