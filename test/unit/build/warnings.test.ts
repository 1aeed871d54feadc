import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseWarnings } from '../../../src/pipeline/build/log-parse.js';
import {
  formatWarning,
  ledgerPath,
  newWarnings,
  readLedger,
  recordBase,
} from '../../../src/pipeline/build/warnings.js';

const w = (file: string, line: number, msg: string) =>
  parseWarnings(`${file}:${line}:5: warning: ${msg}\n`)[0] as NonNullable<
    ReturnType<typeof parseWarnings>[0]
  >;

describe('warning ledger', () => {
  it('blames only warnings the base never had, whatever line they moved to', () => {
    const path = ledgerPath(mkdtempSync(join(tmpdir(), 'bpfci-wl-')), 'kernel');
    recordBase(path, 'abc', [w('a.c', 10, 'old one [-Wx]')]);
    recordBase(path, 'abc', [w('b.c', 3, 'from an incremental base build [-Wy]')]);
    const ledger = readLedger(path);
    expect(ledger?.keys).toHaveLength(2);
    const fresh = newWarnings(ledger as NonNullable<typeof ledger>, [
      w('a.c', 42, 'old one [-Wx]'),
      w('a.c', 43, 'new one [-Wz]'),
      w('a.c', 44, 'new one [-Wz]'),
    ]);
    expect(fresh.map(formatWarning)).toEqual(['a.c:43: warning: new one [-Wz]']);
  });

  it('starts over for another base, and treats a corrupt ledger as none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bpfci-wl-'));
    const path = ledgerPath(dir, 'selftests');
    recordBase(path, 'abc', [w('a.c', 1, 'x')]);
    expect(recordBase(path, 'def', []).keys).toEqual([]);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path, '{not json');
    expect(readLedger(path)).toBeUndefined();
  });
});
