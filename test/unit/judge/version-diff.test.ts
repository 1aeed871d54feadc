import { describe, expect, it } from 'vitest';
import { versionDiff } from '../../../src/pipeline/judge/version-diff.js';
import type { JudgedFailure } from '../../../src/verdict/failures.js';

const f = (name: string, cls: JudgedFailure['class']): JudgedFailure => ({
  suite: 'test_progs',
  name,
  class: cls,
});

describe('versionDiff', () => {
  it('lists what v2 fixed and newly broke among the author-caused failures only', () => {
    const v1 = [f('a', 'new'), f('b', 'new'), f('noise', 'flaky')];
    const v2 = [f('b', 'new'), f('c', 'new'), f('noise', 'pre-existing'), f('lru_bug', 'fixed')];
    expect(versionDiff(v2, v1, 41)).toEqual({
      fixed: ['test_progs/a'],
      broken: ['test_progs/c'],
      previousSeriesId: 41,
    });
  });

  it('is empty when nothing changed', () => {
    expect(versionDiff([f('a', 'new')], [f('a', 'new')], 1)).toEqual({
      fixed: [],
      broken: [],
      previousSeriesId: 1,
    });
  });
});
