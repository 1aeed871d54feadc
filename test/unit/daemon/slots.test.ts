import { describe, expect, it } from 'vitest';
import { createWaker } from '../../../src/daemon/sleep.js';
import { createSlots } from '../../../src/daemon/slots.js';

describe('daemon/slots', () => {
  it('never lets more than the limit in, and serves waiters in order', async () => {
    const slots = createSlots({ build: 1, vm: 2 });
    const order: string[] = [];
    let release: () => void = () => {};
    const first = slots.with(
      'build',
      () =>
        new Promise<void>((r) => {
          release = r;
          order.push('a');
        }),
    );
    const second = slots.with('build', async () => void order.push('b'));

    await Promise.resolve();
    expect(slots.inUse('build')).toBe(1);
    expect(order).toEqual(['a']);
    release();
    await Promise.all([first, second]);

    expect(order).toEqual(['a', 'b']);
    expect(slots.inUse('build')).toBe(0);
  });

  it('gives up waiting when the job is aborted', async () => {
    const slots = createSlots({ build: 1, vm: 1 });
    let release: () => void = () => {};
    const holder = slots.with(
      'vm',
      () =>
        new Promise<void>((r) => {
          release = r;
        }),
    );
    const abort = new AbortController();
    const waiting = slots.with('vm', async () => 'ran', abort.signal);

    abort.abort(new Error('superseded'));

    await expect(waiting).rejects.toThrow('superseded');
    release();
    await holder;
    expect(slots.inUse('vm')).toBe(0);
  });
});

describe('daemon/sleep', () => {
  it('a wake ends every pending sleep early', async () => {
    const waker = createWaker();
    const slept = Promise.all([waker.sleep(60_000), waker.sleep(60_000)]);
    waker.wake();
    await expect(slept).resolves.toBeDefined();
  });
});
