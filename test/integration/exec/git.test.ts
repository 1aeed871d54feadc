import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGit } from '../../../src/exec/git.js';

describe('createGit', () => {
  it('runs git without the user config and in the C locale', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bpfci-git-'));
    const git = createGit(dir);
    await git.init();
    writeFileSync(join(dir, 'a'), 'x\n');
    await git.add('a');
    await git.commit('first');
    const log = await git.log();
    expect(log.latest?.author_name).toBe('bpfci');
    expect(log.latest?.message).toBe('first');
    await expect(git.raw(['rev-parse', 'nope'])).rejects.toThrow(/unknown revision/);
  });
});
