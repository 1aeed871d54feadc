/** Appends trailer lines to a commit message, before the `---` that starts the diffstat. */
export function withTrailers(body: string, missing: string[]): string {
  if (missing.length === 0) return body;
  const cut = body.search(/^---$/m);
  const head = cut < 0 ? body : body.slice(0, cut);
  const tail = cut < 0 ? '' : body.slice(cut);
  return `${head.replace(/\s*$/, '')}\n${missing.join('\n')}\n${tail}`;
}
