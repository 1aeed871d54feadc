import { describe, expect, it } from 'vitest';
import { selftestTargets } from '../../../src/pipeline/build/selftests.js';

describe('selftestTargets', () => {
  it('builds what the configured suites run, flavours only when asked', () => {
    const suites = [
      { name: 'tv', kind: 'test_verifier' },
      { name: 'tp', kind: 'test_progs' },
      { name: 'noalu', kind: 'test_progs', binary: 'test_progs-no_alu32' },
      { name: 'tm', kind: 'test_maps' },
      { name: 'cmd', kind: 'command', argv: ['true'] },
    ] as Parameters<typeof selftestTargets>[1];
    expect(selftestTargets('selftests', suites)).toEqual([
      'test_verifier',
      'test_progs',
      'test_progs-no_alu32',
      'test_maps',
    ]);
    expect(selftestTargets('selftests', suites.slice(1, 2))).toEqual(['test_progs']);
  });

  it('builds only test_verifier on the minimal profile, whose kernel lacks the BTF types', () => {
    expect(selftestTargets('minimal', [{ name: 'tp', kind: 'test_progs' }] as never)).toEqual([
      'test_verifier',
    ]);
  });
});
