/**
 * A bounded log excerpt: the last lines before a verdict, which is where selftests put
 * the failed assertion. Test output is untrusted; it is only ever stored and escaped
 * by whoever renders it.
 */
const MAX_LINES = 40;
const MAX_CHARS = 4000;

export function excerptOf(lines: string[]): string | undefined {
  const kept = lines.slice(-MAX_LINES).join('\n').trim();
  if (!kept) return undefined;
  return kept.length > MAX_CHARS ? kept.slice(-MAX_CHARS) : kept;
}

/** Same name twice in one run (test_verifier has duplicate descriptions): suffix " (2)", " (3)". */
export function uniqueNamer(): (name: string) => string {
  const seen = new Map<string, number>();
  return (name) => {
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return n === 1 ? name : `${name} (${n})`;
  };
}
