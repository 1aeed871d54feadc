import { describe, expect, it } from 'vitest';
import { compareWithBaseline } from '../../../src/pipeline/judge/compare.js';
import type { TestObservation } from '../../../src/verdict/observations.js';
import { fixtureResults } from '../../helpers/judge/fixture-results.js';

const t = (
  name: string,
  status: TestObservation['status'],
  suite = 'test_progs',
): TestObservation => ({
  suite,
  name,
  status,
});
const names = (ts: TestObservation[]) => ts.map((x) => x.name).sort();

describe('compareWithBaseline', () => {
  it('splits failures into new, pre-existing and fixed by name', () => {
    const base = [t('a', 'pass'), t('b', 'fail'), t('c', 'fail'), t('d', 'pass')];
    const series = [t('a', 'fail'), t('b', 'fail'), t('c', 'pass'), t('d', 'pass')];
    const cmp = compareWithBaseline(series, base);
    expect(names(cmp.new)).toEqual(['a']);
    expect(names(cmp.preExisting)).toEqual(['b']);
    expect(names(cmp.fixed)).toEqual(['c']);
  });

  it('keys on suite as well as name', () => {
    const cmp = compareWithBaseline([t('x', 'fail', 'test_maps')], [t('x', 'fail', 'test_progs')]);
    expect(names(cmp.new)).toEqual(['x']);
    expect(cmp.preExisting).toEqual([]);
  });

  it('treats a failure in a test the base skipped or lacked as new', () => {
    const cmp = compareWithBaseline(
      [t('skipped', 'fail'), t('added', 'fail')],
      [t('skipped', 'skip')],
    );
    expect(names(cmp.new)).toEqual(['added', 'skipped']);
  });

  it('does not call a base failure fixed when the series skipped it or did not run it', () => {
    const cmp = compareWithBaseline([t('b', 'skip')], [t('b', 'fail'), t('c', 'fail')]);
    expect(cmp.fixed).toEqual([]);
  });

  it('never blames the 6.1 tree for its own map_kptr and lru_bug failures', () => {
    const base = fixtureResults('test_progs-6.1-full-14-failed.txt');
    const baseFails = base.filter((x) => x.status === 'fail' && !x.name.includes('/'));
    expect(baseFails).toHaveLength(14);
    expect(names(baseFails)).toEqual(expect.arrayContaining(['lru_bug', 'map_kptr']));
    const cmp = compareWithBaseline(base, base);
    expect(cmp.new).toEqual([]);
    expect(names(cmp.preExisting)).toEqual(expect.arrayContaining(['lru_bug', 'map_kptr']));
  });

  it('reads a real rerun: xdp_synproxy, failing on the base for a missing tool, is fixed', () => {
    const base = fixtureResults('test_progs-6.1-full-14-failed.txt');
    const rerun = fixtureResults('test_progs-6.1-rerun-of-failures.txt');
    const cmp = compareWithBaseline(rerun, base);
    expect(cmp.new).toEqual([]);
    expect(names(cmp.fixed)).toContain('xdp_synproxy');
    expect(names(cmp.fixed)).not.toContain('map_kptr');
  });
});
