import { describe, expect, it } from 'vitest';
import { createLab } from '../../helpers/judge/lab.js';
import { treeTestsJson } from '../../helpers/judge/lab-repo.js';

const readme = { subject: 'docs: touch', files: { README: 'touched\n' } };

/**
 * Infrastructure outcomes: retried with backoff up to judge.infraRetries (2 here),
 * then an 'infra' verdict; never a failure of the author's. Boot 1 is always the
 * baseline; the series' boots follow.
 */
describe('infrastructure is not failure', () => {
  it('retries a harness timeout and judges the series when the retry works', async () => {
    const lab = createLab({ tests: { alpha: 'pass' }, suiteTimeoutSeconds: 2 });
    lab.schedule({ sleepOn: [2], sleepSeconds: 60 });
    const { verdict } = await lab.run(lab.post('s', [readme]));
    expect(verdict.verdict).toBe('success');
    expect(lab.host.boots).toBe(3);
  });

  it('a timeout the base has too is not blamed on the series', async () => {
    const lab = createLab({ tests: { alpha: 'pass' }, suiteTimeoutSeconds: 2 });
    lab.schedule({ sleepOn: [1, 2, 3, 4, 5, 6, 7, 8], sleepSeconds: 60 });
    const { verdict } = await lab.run(lab.post('s', [readme]));
    expect(verdict.verdict).not.toBe('failure');
    expect(verdict.failures).toMatchObject([{ suite: 'kernel', class: 'pre-existing' }]);
  });

  it.each([
    [3, 'test_progs setup failed (exit 3)'],
    [2, 'test_progs ran no test (exit 2)'],
  ])('treats test_progs exit %i as infrastructure', async (code, reason) => {
    const lab = createLab({ tests: { alpha: 'pass' } });
    lab.schedule({ exitOn: { 2: code, 3: code, 4: code } });
    const { verdict } = await lab.run(lab.post('s', [readme]));
    expect(verdict.verdict).toBe('infra');
    expect(verdict.summary).toContain(reason);
  });

  it('retries a host that ran out of memory', async () => {
    const lab = createLab({ tests: { alpha: 'pass', beta: 'pass' } });
    lab.host.faultOn = [2, 3];
    const { verdict } = await lab.run(lab.post('s', [readme]));
    expect(verdict.verdict).toBe('success');
    expect(lab.host.boots).toBe(4);
  });

  it('does not wait for a missing tool to appear', async () => {
    const lab = createLab({ tests: { alpha: 'pass' }, program: '/nonexistent/bpfci-test_progs' });
    const { verdict } = await lab.run(lab.post('s', [readme]));
    expect(verdict.verdict).toBe('infra');
    expect(verdict.summary).toContain('EXEC_MISSING');
    expect(lab.host.boots).toBe(1);
  });

  it('blames the patch that stops the kernel booting when the base boots', async () => {
    const lab = createLab({ tests: { alpha: 'pass' } });
    const noBoot = {
      subject: 'lab: break boot',
      files: { 'tests.json': treeTestsJson({ alpha: 'pass' }, { boots: false }) },
    };
    const { verdict } = await lab.run(
      lab.post('s', [readme, noBoot, { subject: 'more', files: { NEWS: 'x\n' } }]),
    );
    expect(verdict.verdict).toBe('failure');
    expect(verdict.failures).toMatchObject([
      { suite: 'boot', name: 'kernel boots', class: 'new', guiltyPatch: 2 },
    ]);
    expect(verdict.guiltyPatch).toBe(2);
  });

  it('finds the patch that breaks the build', async () => {
    const lab = createLab({ tests: { alpha: 'pass' } });
    const broken = { subject: 'lab: break the build', files: { BROKEN: 'yes\n' } };
    const { verdict } = await lab.run(
      lab.post('s', [
        readme,
        { subject: 'docs: two', files: { DOCS: 'two\n' } },
        broken,
        { subject: 'more', files: { NEWS: 'x\n' } },
      ]),
    );
    expect(verdict.verdict).toBe('failure');
    expect(verdict.guiltyPatch).toBe(3);
    expect(verdict.build?.[0]).toMatchObject({ status: 'fail', guiltyPatch: 3 });
    expect(verdict.extraRuns).toBeLessThanOrEqual(2);
  });
});
