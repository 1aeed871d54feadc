import { describe, expect, it } from 'vitest';
import { currentHolder, holderAlive } from '../../../src/lanes/holder.js';

describe('lane holder identity', () => {
  it('is alive for this process and dead for a changed start time, pid or boot', () => {
    const me = currentHolder();
    expect(me.pid).toBe(process.pid);
    expect(me.start).toMatch(/^\d+$/);
    expect(holderAlive(me)).toBe(true);
    expect(holderAlive({ ...me, start: `${Number(me.start) + 1}` })).toBe(false);
    expect(holderAlive({ ...me, bootId: 'another-boot' })).toBe(false);
    expect(holderAlive({ ...me, pid: 2 ** 22 + 1 })).toBe(false);
  });
});
