import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The recorded real Patchwork v3.1.3 responses (copied from shared/fixtures/patchwork). */
export const PW_FIXTURES = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'test',
  'fixtures',
  'patchwork',
);

/** The host the recordings were made with; replaced by the fake's own base URL. */
const RECORDED_BASE = 'https://patchwork.example.org';

export type Json = Record<string, unknown>;

/** A recorded body with every absolute URL moved to `base` (the fake's own address). */
export function recordedText(path: string, base: string): string {
  return readFileSync(join(PW_FIXTURES, path), 'utf8').split(RECORDED_BASE).join(base);
}

export function recordedJson<T = Json>(path: string, base: string): T {
  return JSON.parse(recordedText(path, base)) as T;
}
