import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SeriesResults } from '../../src/cli/series/results.js';
import { createLab } from '../helpers/judge/lab.js';
import { treeTestsJson } from '../helpers/judge/lab-repo.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist/main.js'))) {
    const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
    if (build.status !== 0)
      throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
  }
});

describe('bpfci series show --json (built CLI)', () => {
  it('shows each failure with its class, the guilty patch and the baseline run', async () => {
    const lab = createLab({ tests: { alpha: 'pass', beta: 'pass', lru_bug: 'fail' } });
    const id = lab.post('break beta', [
      { subject: 'docs: one', files: { README: 'one\n' } },
      {
        subject: 'lab: break beta',
        files: { 'tests.json': treeTestsJson({ alpha: 'pass', beta: 'fail', lru_bug: 'fail' }) },
      },
      { subject: 'lab: news', files: { NEWS: 'x\n' } },
    ]);
    const { verdict, runId } = await lab.run(id);
    const configFile = join(lab.ctx.stateDir, 'bpfci.yaml');
    writeFileSync(configFile, `version: 1\nstate:\n  dir: ${lab.ctx.stateDir}\n`);

    const r = spawnSync(
      process.execPath,
      [join(ROOT, 'dist/main.js'), 'series', 'show', String(id), '--json'],
      {
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: tmpdir(),
          BPFCI_CONFIG: configFile,
          BPFCI_LOG_LEVEL: 'warn',
        },
        encoding: 'utf8',
      },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const shown = JSON.parse(r.stdout) as { id: number; results: SeriesResults };
    expect(shown.id).toBe(id);
    const results = shown.results;
    expect(results).toMatchObject({
      runId,
      verdict: 'failure',
      baselineRunId: verdict.baselineRunId,
    });
    expect(results.baselineRunId).toEqual(expect.any(Number));
    expect(results.guiltyPatch).toMatchObject({
      index: 2,
      subject: '[PATCH lab 2/3] lab: break beta',
    });
    const byName = Object.fromEntries(results.failures.map((f) => [f.name, f]));
    expect(byName.beta).toMatchObject({ class: 'new', guiltyPatch: { index: 2 } });
    expect(byName.lru_bug).toMatchObject({ class: 'pre-existing', guiltyPatch: null });
    expect(results.runs.map((run) => run.kind)).toEqual(
      expect.arrayContaining(['series', 'rerun', 'bisect']),
    );
    expect(results.extraRuns).toBe(verdict.extraRuns);
  });

  it('shows null results for a series never tested', async () => {
    const lab = createLab({ tests: { alpha: 'pass' } });
    const id = lab.post('untested', [{ subject: 'docs', files: { README: 'x\n' } }]);
    const configFile = join(lab.ctx.stateDir, 'bpfci.yaml');
    writeFileSync(configFile, `version: 1\nstate:\n  dir: ${lab.ctx.stateDir}\n`);
    const r = spawnSync(
      process.execPath,
      [join(ROOT, 'dist/main.js'), 'series', 'show', String(id), '--json'],
      {
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: tmpdir(),
          BPFCI_CONFIG: configFile,
        },
        encoding: 'utf8',
      },
    );
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).results).toMatchObject({
      runId: null,
      verdict: null,
      failures: [],
      runs: [],
    });
  });
});
