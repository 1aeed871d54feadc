import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { patchworkApiUrl } from '../../../src/config/sections/patchwork-url.js';
import { PatchworkClient } from '../../../src/sources/patchwork/client.js';

function configWith(url: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'bpfci-pwurl-')), 'c.yaml');
  writeFileSync(file, `version: 1\nsources:\n  patchwork:\n    url: "${url}"\n    project: p\n`);
  return file;
}

describe('sources.patchwork.url', () => {
  const accepted: [string, string][] = [
    ['http://host', 'http://host/api/1.2/'],
    ['http://host/', 'http://host/api/1.2/'],
    ['http://host/api', 'http://host/api/1.2/'],
    ['http://host/api/', 'http://host/api/1.2/'],
    ['http://host/api/1.2', 'http://host/api/1.2/'],
    ['http://host/api/1.2/', 'http://host/api/1.2/'],
    ['https://patchwork.kernel.org/api/1.3/', 'https://patchwork.kernel.org/api/1.3/'],
    ['http://127.0.0.1:8000/api/', 'http://127.0.0.1:8000/api/1.2/'],
    ['https://host/pw/api/', 'https://host/pw/api/1.2/'],
  ];

  it.each(accepted)('normalises %s to %s, for the config and the client', (url, api) => {
    expect(patchworkApiUrl(url)).toBe(api);
    expect(loadConfig(configWith(url)).sources.patchwork?.url).toBe(url);
    expect(new PatchworkClient({ apiUrl: url, timeoutMs: 1000 }).apiUrl).toBe(api);
  });

  const refused = [
    'http://host/pw/',
    'http://host/events/',
    'http://host/api/events/',
    'http://host/api/1.2/patches/',
    'http://host/api/v1/',
    'http://host/api/?format=json',
    'http://host/#api',
    'ftp://host/api/',
  ];

  it.each(refused)('refuses %s at config load with the key path', (url) => {
    expect(patchworkApiUrl(url)).toBeUndefined();
    expect(() => loadConfig(configWith(url))).toThrow(
      /sources\.patchwork\.url: not a Patchwork URL: use the server/,
    );
  });
});
