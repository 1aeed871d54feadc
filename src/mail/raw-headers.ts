/**
 * Header fields read straight from a mail's bytes, for the ones that must stay
 * exact: Message-ID, In-Reply-To and References are keys (a reply threads only
 * when its In-Reply-To matches byte for byte), and mailparser reads 8-bit header
 * bytes as Latin-1, which turns a UTF-8 id into mojibake.
 */
const DECODER = new TextDecoder('utf-8', { fatal: true });

/** The header block (up to 64 KiB), unfolded, as text: UTF-8 when it is valid UTF-8, else Latin-1. */
export function rawHeaderBlock(raw: Buffer): string {
  const head = raw.subarray(0, 64 * 1024);
  const end = head.toString('latin1').search(/\r?\n\r?\n/);
  const bytes = end < 0 ? head : head.subarray(0, end);
  let text: string;
  try {
    text = DECODER.decode(bytes);
  } catch {
    text = bytes.toString('latin1');
  }
  return text.replace(/\r?\n[ \t]+/g, ' ');
}

/** The value of the first `name:` field in a header block from rawHeaderBlock(). */
export function rawHeader(block: string, name: string): string | undefined {
  const escaped = name.replace(/[-]/g, '\\-');
  return new RegExp(`^${escaped}:[ \\t]*(.*)$`, 'im').exec(block)?.[1];
}
