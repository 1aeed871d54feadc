import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMailFile } from '../../../src/series/import-files.js';

describe('readMailFile', () => {
  it('reads an empty or blank file as an mbox of no messages', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bpfci-read-'));
    writeFileSync(join(dir, 'empty.mbox'), '');
    writeFileSync(join(dir, 'blank.mbox'), '\n\n');
    expect(readMailFile(join(dir, 'empty.mbox'))).toEqual([]);
    expect(readMailFile(join(dir, 'blank.mbox'))).toEqual([]);
  });
});
