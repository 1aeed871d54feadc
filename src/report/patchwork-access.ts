import type { Config } from '../config/schema.js';
import { patchworkApiUrl } from '../config/sections/patchwork-url.js';

export interface PatchworkAccess {
  /** API root with the version and a trailing slash, e.g. https://pw.example.org/api/1.2/ */
  apiUrl: string;
  /** Absent: read-only (the would-be POSTs are logged, nothing is written). */
  token?: string;
}

/** Where checks go and with which token, or null when Patchwork is not a source. */
export function patchworkAccess(
  config: Config,
  env: NodeJS.ProcessEnv = process.env,
): PatchworkAccess | null {
  const pw = config.sources.patchwork;
  if (!pw) return null;
  // The same normalisation as the clients', so previews show the URL really used.
  const apiUrl = patchworkApiUrl(pw.url) ?? pw.url;
  const token = pw.tokenEnv ? env[pw.tokenEnv] : undefined;
  return { apiUrl, token: token?.trim() || undefined };
}
