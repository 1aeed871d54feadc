import { chmodSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertReachableByOthers } from '../../../src/exec/reachable.js';

describe('assertReachableByOthers', () => {
  it('names the parent that blocks the sandbox uid', () => {
    const top = mkdtempSync(join(tmpdir(), 'bpfci-reach-'));
    const lane = join(top, 'state', 'lanes', 'bpf', 'src');
    mkdirSync(lane, { recursive: true });
    chmodSync(top, 0o700);
    expect(() => assertReachableByOthers([lane])).toThrow(
      expect.objectContaining({
        code: 'SANDBOX_UNREACHABLE',
        message: expect.stringContaining(top),
      }),
    );
    chmodSync(top, 0o755);
    expect(() => assertReachableByOthers([lane])).not.toThrow();
  });
});
