import { rawHeader, rawHeaderBlock } from '../mail/raw-headers.js';
import { withTrailers } from './add-trailers.js';

// A charset name as IANA registers them; anything else is not passed on to git.
const CHARSET = /^[A-Za-z0-9._:+-]{1,40}$/;
const UTF8_COMPATIBLE = /^(?:utf-?8|us-ascii|ascii)$/i;

/**
 * The body bytes of a mail git am can take as they are: one text/plain part
 * (or no Content-Type) in 7bit or 8bit. Line endings become LF; the review
 * trailers are added in byte space. Undefined for anything git am would need
 * decoded (base64, quoted-printable, multipart, format=flowed), or when a non-ASCII trailer
 * would have to go into a body of another charset.
 */
export function plainBodyOf(
  raw: Buffer,
  trailers: string[],
): { body: Buffer; charset: string | undefined } | undefined {
  const head = rawHeaderBlock(raw);
  const type = (rawHeader(head, 'content-type') ?? 'text/plain').trim();
  const encoding = (rawHeader(head, 'content-transfer-encoding') ?? '7bit').trim().toLowerCase();
  if (!/^text\/plain\b/i.test(type) || !['7bit', '8bit'].includes(encoding)) return undefined;
  // format=flowed text has soft line breaks to undo: the decoded path does that.
  if (/;\s*format\s*=\s*"?flowed/i.test(type)) return undefined;
  const declared = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(type)?.[1];
  if (declared !== undefined && !CHARSET.test(declared)) return undefined;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII range test
  const asciiTrailers = trailers.every((t) => /^[\u0000-\u007f]*$/.test(t));
  if (!asciiTrailers && declared !== undefined && !UTF8_COMPATIBLE.test(declared)) return undefined;
  const text = raw.toString('latin1');
  const start = text.search(/\r?\n\r?\n/);
  const body = start < 0 ? '' : text.slice(start).replace(/^\r?\n\r?\n/, '');
  const trailerBytes = trailers.map((t) => Buffer.from(t, 'utf8').toString('latin1'));
  const lf = withTrailers(body.replace(/\r\n/g, '\n'), trailerBytes).replace(/\n*$/, '\n');
  return { body: Buffer.from(lf, 'latin1'), charset: declared };
}
