import { describe, expect, it } from 'vitest';
import { countRuns } from '../../../src/db/runs.js';
import { fixtureResults } from '../../helpers/judge/fixture-results.js';
import { createLab } from '../../helpers/judge/lab.js';
import { type TreeTests, treeTestsJson } from '../../helpers/judge/lab-repo.js';

/**
 * The real case: Debian's 6.1 tree fails map_kptr and lru_bug on its own (and 12
 * more tests for tools missing in the guest). The lab tree reproduces that run's
 * top-level results, names and outcomes, as its base.
 */
function linux61(): TreeTests {
  const tests: TreeTests = {};
  for (const t of fixtureResults('test_progs-6.1-full-14-failed.txt')) {
    if (!t.name.includes('/') && t.status !== 'skip') tests[t.name] = t.status;
  }
  return tests;
}

describe('a series on the 6.1 base', () => {
  it('is never blamed for map_kptr and lru_bug, and only for what it broke', async () => {
    const base = linux61();
    expect(base.map_kptr).toBe('fail');
    expect(base.lru_bug).toBe('fail');
    expect(base.align).toBe('pass');
    const lab = createLab({ tests: base });

    const clean = await lab.run(
      lab.post('docs only', [{ subject: 'docs', files: { README: 'x\n' } }]),
    );
    expect(clean.verdict.verdict).toBe('warning');
    const preExisting = clean.verdict.failures
      .filter((f) => f.class === 'pre-existing')
      .map((f) => f.name);
    expect(preExisting).toEqual(expect.arrayContaining(['map_kptr', 'lru_bug']));
    expect(preExisting).toHaveLength(14);
    expect(clean.verdict.failures.some((f) => f.class === 'new')).toBe(false);

    const breaking = await lab.run(
      lab.post('break align', [
        { subject: 'docs', files: { README: 'y\n' } },
        {
          subject: 'bpf: break align',
          files: { 'tests.json': treeTestsJson({ ...base, align: 'fail' }) },
        },
      ]),
    );
    expect(breaking.verdict.verdict).toBe('failure');
    const fresh = breaking.verdict.failures.filter((f) => f.class === 'new');
    expect(fresh).toMatchObject([{ name: 'align', guiltyPatch: 2 }]);
    const kptr = breaking.verdict.failures.find((f) => f.name === 'map_kptr');
    expect(kptr?.class).toBe('pre-existing');
    expect(breaking.verdict.baselineRunId).toBe(clean.verdict.baselineRunId);
    expect(countRuns(lab.ctx.db, 'baseline')).toBe(1);
  });
});
