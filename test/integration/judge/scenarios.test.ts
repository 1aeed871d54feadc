import { describe, expect, it } from 'vitest';
import { countRuns, getRun, listSeriesRuns } from '../../../src/db/runs.js';
import { loadStability } from '../../../src/db/stability.js';
import { maxBisectRuns } from '../../../src/pipeline/judge/bisect.js';
import { createLab } from '../../helpers/judge/lab.js';
import { treeTestsJson } from '../../helpers/judge/lab-repo.js';

const readme = (text: string) => ({ subject: `docs: ${text}`, files: { README: `${text}\n` } });
const classes = (failures: { name: string; class: string }[]) =>
  Object.fromEntries(failures.map((f) => [f.name, f.class]));

describe('judge scenarios on a real lane', () => {
  it('does not blame a series for a test that fails on the base', async () => {
    const lab = createLab({ tests: { alpha: 'pass', beta: 'fail' } });
    const id = lab.post('touch docs', [readme('one')]);
    const { verdict } = await lab.run(id);
    expect(verdict.verdict).toBe('warning');
    expect(classes(verdict.failures)).toEqual({ beta: 'pre-existing' });
    expect(verdict.extraRuns).toBe(0);
    expect(verdict.baselineRunId).toBeDefined();
    expect(getRun(lab.ctx.db, verdict.baselineRunId as number)).toMatchObject({
      kind: 'baseline',
      status: 'done',
      seriesId: null,
    });
  });

  it('calls a test failing 1 time in 3 flaky and remembers it', async () => {
    const lab = createLab({ tests: { alpha: 'pass', gamma: 'pass' } });
    // gamma's 2nd run anywhere fails: the baseline (1st) passes, the series run (2nd) fails,
    // both reruns on the series kernel (3rd, 4th) pass.
    lab.schedule({ tests: { gamma: { failOn: [2] } } });
    const { verdict } = await lab.run(lab.post('touch docs', [readme('one')]));
    expect(verdict.verdict).toBe('warning');
    expect(verdict.failures).toMatchObject([
      { name: 'gamma', class: 'flaky', reason: 'failed 1 of 3 runs on the series kernel' },
    ]);
    expect(verdict.guiltyPatch).toBeUndefined();
    expect(verdict.extraRunsDetail).toEqual({ seriesReruns: 2, baseReruns: 0, bisect: 0 });
    expect(loadStability(lab.ctx.db, 'standin', 'gamma')).toMatchObject({
      flakyCount: 1,
      fails: 1,
      passes: 3,
    });
  });

  it('treats a test seen flaky often enough as flaky without rerunning it', async () => {
    const lab = createLab({
      tests: { alpha: 'pass', gamma: 'pass' },
      judge: { flakyThreshold: 1 },
    });
    // gamma fails on its 2nd run (series 1) and its 5th (series 2; the baseline is shared).
    lab.schedule({ tests: { gamma: { failOn: [2, 5] } } });
    const first = await lab.run(lab.post('one', [readme('one')]));
    expect(first.verdict.failures).toMatchObject([{ name: 'gamma', class: 'flaky' }]);
    const second = await lab.run(lab.post('two', [readme('two')]));
    expect(second.verdict.failures).toMatchObject([
      { name: 'gamma', class: 'flaky', reason: 'known flaky: seen flaky 1 time before' },
    ]);
    expect(second.verdict.extraRuns).toBe(0);
    expect(second.verdict.verdict).toBe('warning');
  });

  it('blames patch 2 of 3 for a real regression, within ceil(log2 3) bisection runs', async () => {
    const lab = createLab({ tests: { alpha: 'pass', beta: 'pass' } });
    const id = lab.post('make beta fail', [
      readme('one'),
      {
        subject: 'lab: break beta',
        files: { 'tests.json': treeTestsJson({ alpha: 'pass', beta: 'fail' }) },
      },
      { subject: 'lab: add a file', files: { NEWS: 'news\n' } },
    ]);
    const { verdict, runId } = await lab.run(id);
    expect(verdict.verdict).toBe('failure');
    expect(verdict.failures).toMatchObject([{ name: 'beta', class: 'new', guiltyPatch: 2 }]);
    expect(verdict.failures[0]?.excerpt).toContain('test_beta:FAIL');
    expect(verdict.guiltyPatch).toBe(2);
    const detail = verdict.extraRunsDetail;
    expect(detail?.seriesReruns).toBe(2);
    expect(detail?.baseReruns).toBe(1);
    expect(detail?.bisect).toBeLessThanOrEqual(maxBisectRuns(3));
    expect(verdict.extraRuns).toBe(
      (detail?.seriesReruns ?? 0) + (detail?.baseReruns ?? 0) + (detail?.bisect ?? 0),
    );
    const runs = listSeriesRuns(lab.ctx.db, id);
    expect(runs.filter((r) => r.kind === 'bisect').length).toBe(detail?.bisect);
    expect(runs.filter((r) => r.kind === 'rerun').every((r) => r.parentId === runId)).toBe(true);
    expect(getRun(lab.ctx.db, runId)?.verdict?.guiltyPatch).toBe(2);
  });

  it('blames a hang only the series has, retried once, on its patch, never infra', async () => {
    const lab = createLab({ tests: { alpha: 'pass' } });
    const id = lab.post('hang the guest', [
      readme('one'),
      {
        subject: 'lab: hang',
        files: { 'tests.json': treeTestsJson({ alpha: 'pass' }, { hangs: true }) },
      },
      { subject: 'lab: add a file', files: { NEWS: 'news\n' } },
    ]);
    const { verdict } = await lab.run(id);
    expect(verdict.verdict).toBe('failure');
    expect(verdict.failures).toMatchObject([
      { suite: 'kernel', name: 'hang: standin', class: 'new', guiltyPatch: 2 },
    ]);
    expect(verdict.failures[0]?.excerpt).toContain('timeout ran out');
    expect(verdict.guiltyPatch).toBe(2);
    // Boots: the series kernel's run and its one retry (2), its 2 reruns, the base and
    // its rerun, bisection at base + 1 and base + 2 patches: reruns and probes are
    // repetitions already, so a hang there is not retried.
    expect(verdict.extraRunsDetail).toMatchObject({ seriesReruns: 2, baseReruns: 1, bisect: 2 });
    expect(lab.host.boots).toBe(8);
  });

  it('lists a base failure the series fixes', async () => {
    const lab = createLab({ tests: { alpha: 'pass', lru_bug: 'fail' } });
    const id = lab.post('fix lru_bug', [
      {
        subject: 'lab: fix lru_bug',
        files: { 'tests.json': treeTestsJson({ alpha: 'pass', lru_bug: 'pass' }) },
      },
    ]);
    const { verdict } = await lab.run(id);
    expect(verdict.verdict).toBe('success');
    expect(classes(verdict.failures)).toEqual({ lru_bug: 'fixed' });
    expect(verdict.summary).toBe('no new failures; fixes 1 base failure');
  });

  it('reports a base that does not boot as infra, retried up to the limit, never the author', async () => {
    const lab = createLab({ tests: { alpha: 'pass' }, baseDoesNotBoot: true });
    const { verdict } = await lab.run(lab.post('touch docs', [readme('one')]));
    expect(verdict.verdict).toBe('infra');
    expect(verdict.summary).toMatch(
      /^infrastructure problem, not the series: the base lab@[0-9a-f]{12} does not boot/,
    );
    expect(verdict.failures).toEqual([]);
    expect(lab.host.boots).toBe(3); // the first try and infraRetries (2) retries
    expect(getRun(lab.ctx.db, verdict.baselineRunId as number)?.status).toBe('infra');
  });

  it('runs the baseline of one base once for three series', async () => {
    const lab = createLab({ tests: { alpha: 'pass', beta: 'fail' } });
    const verdicts = [];
    for (const n of ['one', 'two', 'three'])
      verdicts.push((await lab.run(lab.post(`series ${n}`, [readme(n)]))).verdict);
    expect(countRuns(lab.ctx.db, 'baseline')).toBe(1);
    expect(countRuns(lab.ctx.db, 'series')).toBe(3);
    expect(new Set(verdicts.map((v) => v.baselineRunId)).size).toBe(1);
    expect(verdicts.map((v) => v.verdict)).toEqual(['warning', 'warning', 'warning']);
  });

  it('diffs a v2 against the tested v1', async () => {
    const lab = createLab({ tests: { alpha: 'pass', beta: 'pass', gamma: 'pass' } });
    const v1 = lab.post('rework', [
      {
        subject: 'lab: rework',
        files: { 'tests.json': treeTestsJson({ alpha: 'fail', beta: 'pass', gamma: 'pass' }) },
      },
    ]);
    expect((await lab.run(v1)).verdict.verdict).toBe('failure');
    const v2 = lab.post(
      'rework',
      [
        {
          subject: 'lab: rework',
          files: { 'tests.json': treeTestsJson({ alpha: 'pass', beta: 'pass', gamma: 'fail' }) },
        },
      ],
      2,
    );
    const { verdict } = await lab.run(v2);
    expect(verdict.versionDiff).toEqual({
      fixed: ['standin/alpha'],
      broken: ['standin/gamma'],
      previousSeriesId: v1,
    });
  });
});
