import { afterEach, describe, expect, it } from 'vitest';
import { processTimes, runCommand } from '../../../src/exec/run.js';

describe('processTimes: opt-in per-program time accounting', () => {
  afterEach(() => {
    processTimes.byProgram = undefined;
  });

  it('adds each child under its basename while enabled', async () => {
    processTimes.byProgram = new Map();
    const a = await runCommand(['/bin/sh', '-c', 'exit 0']);
    const b = await runCommand(['sh', '-c', 'exit 3']);
    await runCommand(['true']);
    expect([...processTimes.byProgram.keys()].sort()).toEqual(['sh', 'true']);
    expect(processTimes.byProgram.get('sh')).toBe(a.durationMs + b.durationMs);
  });

  it('records nothing when not enabled', async () => {
    await runCommand(['true']);
    expect(processTimes.byProgram).toBeUndefined();
  });
});
