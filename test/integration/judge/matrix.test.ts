import { describe, expect, it } from 'vitest';
import { countRuns } from '../../../src/db/runs.js';
import { createLab } from '../../helpers/judge/lab.js';
import { LAB_OLDER } from '../../helpers/judge/lab-stages.js';

/**
 * The older-kernel matrix through the real runner, judge and lanes, on the lab tree:
 * each older kernel runs the series' "selftests" (the tree's outcomes, overridden by
 * tools/testing/selftests/bpf/older.json), fails what it fails on its own, and has its
 * own baseline and deny lists.
 */
const docs = (text: string) => ({ subject: `docs: ${text}`, files: { README: `${text}\n` } });
const selftest = (text: string) => ({
  subject: `selftests/bpf: ${text}`,
  files: { 'tools/testing/selftests/bpf/notes.txt': `${text}\n` },
});
const olderOutcomes = (tests: Record<string, 'pass' | 'fail'>) => ({
  subject: 'selftests/bpf: use a newer kernel feature',
  files: { [LAB_OLDER]: JSON.stringify({ tests }) },
});
const tests = { alpha: 'pass', beta: 'pass' } as const;

describe('the older-kernel matrix', () => {
  it('runs a selftests series on the older kernel too, and passes it', async () => {
    const lab = createLab({ tests, older: { 'old-5.15': {} } });
    const { verdict } = await lab.run(lab.post('one test', [selftest('one')]));
    expect(verdict.verdict, verdict.summary).toBe('success');
    expect(verdict.matrix).toMatchObject({
      ran: true,
      reason: 'the series changes tools/testing/selftests/bpf/notes.txt',
      kernels: [{ name: 'old-5.15', release: '5.15.0-lab', status: 'tested' }],
    });
    const older = verdict.matrix?.kernels[0]?.boot?.suites[0]?.tests.map((t) => t.name);
    expect(older).toEqual(['alpha', 'beta']);
    // Its baseline and the series run: one selftests build and one boot each.
    expect(lab.host.olderBoots).toBe(2);
    expect(lab.host.olderBuilds).toBe(2);
  });

  it('skips a kernel-only series and says why', async () => {
    const lab = createLab({ tests, older: { 'old-5.15': {} } });
    const { verdict } = await lab.run(lab.post('docs', [docs('one')]));
    expect(verdict.verdict).toBe('success');
    expect(verdict.matrix).toEqual({
      ran: false,
      reason: expect.stringMatching(/^the series changes nothing under tools\/lib\/bpf\/, /),
      kernels: [],
    });
    expect(lab.host.olderBoots + lab.host.olderBuilds).toBe(0);
  });

  it('never blames a series for what the older kernel fails on its own', async () => {
    const lab = createLab({ tests, older: { 'old-5.15': { fails: ['beta'] } } });
    const { verdict } = await lab.run(lab.post('one test', [selftest('one')]));
    expect(verdict.verdict).toBe('warning');
    expect(verdict.failures.map((f) => [f.suite, f.name, f.class])).toEqual([
      ['standin@old-5.15', 'beta', 'pre-existing'],
    ]);
  });

  it('reports a test its own deny list names as denied there, never as a failure', async () => {
    const lab = createLab({
      tests,
      older: { 'old-5.15': { fails: ['beta'] } },
      blacklists: { 'matrix/old-5.15/DENYLIST.standin': 'beta # needs BPF_F_NEWER (5.17)\n' },
    });
    const { verdict } = await lab.run(lab.post('one test', [selftest('one')]));
    expect(verdict.verdict, verdict.summary).toBe('success');
    expect(verdict.failures).toEqual([]);
    const suite = verdict.matrix?.kernels[0]?.boot?.suites[0];
    expect(suite?.denied?.map((d) => [d.name, d.reason])).toEqual([
      ['beta', 'needs BPF_F_NEWER (5.17)'],
    ]);
    expect(suite?.tests.map((t) => t.name)).toEqual(['alpha']);
  });

  it('blames the patch that breaks a test only on the older kernel, probing only there', async () => {
    const lab = createLab({ tests, older: { 'old-5.15': {} } });
    const id = lab.post('feature', [
      selftest('prep'),
      olderOutcomes({ alpha: 'fail' }),
      docs('after'),
    ]);
    const { verdict } = await lab.run(id);
    expect(verdict.verdict).toBe('failure');
    expect(verdict.guiltyPatch).toBe(2);
    expect(verdict.failures.map((f) => [f.suite, f.name, f.class, f.guiltyPatch])).toEqual([
      ['standin@old-5.15', 'alpha', 'new', 2],
    ]);
    // The series kernel booted for its baseline and the series run only: every rerun
    // and probe of alpha ran on the older kernel.
    expect(lab.host.boots).toBe(2);
    expect(lab.host.olderBoots).toBeGreaterThan(2);
  });

  it('blames the patch after which the selftests no longer build for the older kernel', async () => {
    const lab = createLab({ tests, older: { 'old-5.15': {} } });
    const broken = {
      subject: 'selftests/bpf: needs a type the old kernel lacks',
      files: { 'tools/testing/selftests/bpf/BROKEN': 'x\n' },
    };
    const { verdict } = await lab.run(lab.post('feature', [selftest('prep'), broken]));
    expect(verdict.verdict).toBe('failure');
    expect(verdict.failures.map((f) => [f.suite, f.name, f.guiltyPatch])).toEqual([
      ['build@old-5.15', 'selftests build', 2],
    ]);
    expect(verdict.matrix?.kernels[0]).toMatchObject({
      status: 'tested',
      reason: 'the selftests do not build',
    });
  });

  it('an older kernel that does not boot is infrastructure for it alone', async () => {
    const lab = createLab({ tests, older: { dead: { boots: false }, 'old-5.15': {} } });
    const { verdict } = await lab.run(lab.post('one test', [selftest('one')]));
    expect(verdict.verdict, verdict.summary).toBe('success');
    expect(verdict.matrix?.kernels.map((k) => [k.name, k.status])).toEqual([
      ['dead', 'infra'],
      ['old-5.15', 'tested'],
    ]);
    expect(verdict.matrix?.kernels[0]?.reason).toMatch(/^the base on it could not be tested/);
  });

  it('an older kernel that cannot be made ready is infrastructure for it alone', async () => {
    const lab = createLab({
      tests,
      older: { nobtf: { unusable: 'matrix kernel nobtf: no .BTF in vmlinuz' }, 'old-5.15': {} },
    });
    const { verdict } = await lab.run(lab.post('one test', [selftest('one')]));
    expect(verdict.verdict, verdict.summary).toBe('success');
    expect(verdict.matrix?.kernels).toMatchObject([
      { name: 'nobtf', status: 'infra', reason: 'matrix kernel nobtf: no .BTF in vmlinuz' },
      { name: 'old-5.15', status: 'tested' },
    ]);
  });

  it('runs an older kernel baseline once for two series on one base', async () => {
    const lab = createLab({ tests, older: { 'old-5.15': {} } });
    await lab.run(lab.post('one', [selftest('one')]));
    await lab.run(lab.post('two', [selftest('two')]));
    // One baseline for the series kernel, one for the older kernel.
    expect(countRuns(lab.ctx.db, 'baseline')).toBe(2);
    expect(lab.host.olderBoots).toBe(3);
  });
});
