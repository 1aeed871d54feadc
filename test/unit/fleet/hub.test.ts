import { describe, expect, it } from 'vitest';
import type { JobIo } from '../../../src/daemon/deps.js';
import type { Job } from '../../../src/daemon/queue.js';
import { BotError } from '../../../src/errors.js';
import type { Dispatch, EngineClient } from '../../../src/fleet/engine.js';
import { createHub } from '../../../src/fleet/hub.js';
import { silentLogger } from '../../../src/log.js';
import { seedSeries, tempContext } from '../../helpers/daemon-state.js';

/**
 * The hub's decisions, with the engine recorded instead of run (the real one is in
 * test/e2e/fleet.test.ts): who may take which tree, who holds a job, what a dead
 * worker's job becomes.
 */
function setup() {
  const ctx = tempContext({
    fleet: { heartbeatSeconds: 1, deadAfterSeconds: 3, workers: [] },
    daemon: { minFreeDiskGb: 0, retry: { maxRecoveries: 2 } },
  });
  const dispatched: Dispatch[] = [];
  const engine: EngineClient = {
    dispatch: async (d) => void dispatched.push(d),
    withdraw: async () => {},
    close: async () => {},
  };
  let clock = Date.parse('2026-12-08T10:00:00Z');
  const hub = createHub(ctx, engine, () => new Date(clock));
  const beat = (name: string, trees: string[], jobs: { id: number; claim: number }[] = []) =>
    hub.beat(name, { trees, accepting: true, slots: 1, jobs });
  const job = (id: number, lane: string): Job => ({
    id,
    seriesId: seedSeries(ctx.db),
    state: 'running',
    priority: 0,
    lane,
    attempts: 1,
    recoveries: 0,
    claim: 7,
    nextAttemptAt: '',
    enqueuedAt: '',
    trigger: 'posted',
    retests: 0,
  });
  const io = { signal: new AbortController().signal, log: silentLogger } as unknown as JobIo;
  return {
    hub,
    dispatched,
    beat,
    job,
    io,
    ctx,
    tick: (ms: number) => {
      clock += ms;
    },
  };
}

describe('fleet hub', () => {
  it("forbids a worker the trees of other free workers warm for them, and nothing when they're busy", async () => {
    const { hub, beat, job, io } = setup();
    beat('wa', ['bpf']);
    beat('wb', ['bpf-next']);
    expect(hub.forbidden('wa')).toEqual(['tree:bpf-next']);
    expect(hub.forbidden('wb')).toEqual(['tree:bpf']);
    void hub.runJob(undefined as never, job(1, 'bpf-next'), io);
    await Promise.resolve();
    expect('refused' in hub.start('wb', 1, 7)).toBe(false);
    // wb is busy: wa may take bpf-next work now.
    expect(hub.forbidden('wa')).toEqual([]);
  });

  it('counts a worker with a slot left as free for its warm tree', async () => {
    const { hub, job, io } = setup();
    hub.beat('wa', { trees: ['bpf'], accepting: true, slots: 2, jobs: [] });
    hub.beat('wb', { trees: ['bpf-next'], accepting: true, slots: 1, jobs: [] });
    void hub.runJob(undefined as never, job(1, 'bpf'), io);
    void hub.runJob(undefined as never, job(2, 'bpf'), io);
    await Promise.resolve();
    expect('refused' in hub.start('wa', 1, 7)).toBe(false);
    expect(hub.forbidden('wb')).toEqual(['tree:bpf']);
    expect('refused' in hub.start('wa', 2, 7)).toBe(false);
    expect(hub.forbidden('wb')).toEqual([]);
  });

  it('lets only the holder start, and answers a beat with the jobs that are not its', async () => {
    const { hub, beat, job, io } = setup();
    beat('wa', ['bpf']);
    beat('wb', ['bpf']);
    void hub.runJob(undefined as never, job(1, 'bpf'), io);
    await Promise.resolve();
    expect(hub.start('wa', 1, 6)).toEqual({
      refused: 'no such job or claim: it was cancelled or ran elsewhere',
    });
    expect('refused' in hub.start('wa', 1, 7)).toBe(false);
    expect(hub.start('wb', 1, 7)).toEqual({ refused: 'held by wa' });
    expect(beat('wa', ['bpf'], [{ id: 1, claim: 7 }]).cancel).toEqual([]);
    expect(beat('wb', ['bpf'], [{ id: 1, claim: 7 }]).cancel).toEqual([1]);
    expect(hub.error('wb', 1, { claim: 7, code: 'X', message: 'x', retryable: false })).toEqual({
      refused: 'not the holder of this job and claim',
    });
  });

  it('shares a running baseline with a live holder, and frees one whose holder died or is unknown', () => {
    const { hub, beat, ctx, tick } = setup();
    const inputs = {
      tree: 'bpf',
      baseSha: 'a'.repeat(40),
      configHash: 'c',
      toolchain: 't',
      suites: [],
    };
    beat('wa', ['bpf']);
    beat('wb', ['bpf']);
    const first = hub.baselineClaim('wa', 'k'.repeat(64), inputs, 3_600_000);
    expect(first.state).toBe('claimed');
    expect(hub.baselineClaim('wb', 'k'.repeat(64), inputs, 3_600_000)).toEqual({
      state: 'busy',
      runId: first.runId,
    });
    tick(4000);
    beat('wb', ['bpf']);
    // wa is silent past deadAfterSeconds: wb takes the baseline over.
    const second = hub.baselineClaim('wb', 'k'.repeat(64), inputs, 3_600_000);
    expect(second.state).toBe('claimed');
    // A coordinator started afresh knows no holder: the claim is free at once.
    const restarted = createHub(ctx, {
      dispatch: async () => {},
      withdraw: async () => {},
      close: async () => {},
    });
    expect(restarted.baselineClaim('wb', 'k'.repeat(64), inputs, 3_600_000).state).toBe('claimed');
  });

  it("sends a dead worker's job to the engine again, and gives it up after maxRecoveries losses", async () => {
    const { hub, beat, job, io, dispatched, tick } = setup();
    const outcome = hub.runJob(undefined as never, job(1, 'bpf'), io);
    await Promise.resolve();
    expect(dispatched).toHaveLength(1);
    for (let loss = 1; loss <= 3; loss++) {
      beat(`w${loss}`, ['bpf']);
      expect('refused' in hub.start(`w${loss}`, 1, 7)).toBe(false);
      tick(2000);
      hub.sweep();
      // Alive for 2 s: still its holder.
      expect(dispatched).toHaveLength(loss);
      tick(2000);
      hub.sweep();
    }
    expect(dispatched).toHaveLength(3);
    expect(dispatched.every((d) => d.jobId === 1 && d.claim === 7)).toBe(true);
    const err = await outcome.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BotError);
    expect(err).toMatchObject({ code: 'INTERRUPTED', retryable: false });
    expect((err as Error).message).toBe('its worker was lost 3 times');
  });
});
