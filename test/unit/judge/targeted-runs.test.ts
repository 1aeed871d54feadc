import { describe, expect, it } from 'vitest';
import { Suite } from '../../../src/config/sections/pipeline.js';
import { type LaneSession, runAt } from '../../../src/pipeline/lane-run.js';
import type { BootRequest, Stages } from '../../../src/pipeline/stages.js';
import type { BootResult } from '../../../src/verdict/stages.js';
import { tempContext } from '../../helpers/daemon-state.js';

const suites = ['test_progs', 'test_verifier', 'test_maps'].map((kind) =>
  Suite.parse({ name: kind, kind }),
);

/** A boot that records what it was asked and numbers test_verifier's cases like the binary. */
function session(): { s: LaneSession; asked: BootRequest[] } {
  const asked: BootRequest[] = [];
  const boot = async (_ctx: unknown, req: BootRequest): Promise<BootResult> => {
    asked.push(req);
    return {
      status: 'ok',
      kernel: req.kernelImage,
      accel: 'tcg',
      crashes: [],
      consolePath: '',
      durationMs: 1,
      completed: true,
      suites: req.suites.map((x) => ({
        suite: x.name,
        kind: x.kind,
        outcome: 'ok',
        exitCode: 0,
        durationMs: 1,
        tests:
          x.kind === 'test_verifier'
            ? ['a [p]', 'b [p]', 'c [p]', 'c [p] (2)'].map((name, number) => ({
                name,
                number,
                status: 'pass' as const,
              }))
            : [{ name: 'x', status: 'pass' as const }],
      })),
    } as BootResult;
  };
  const stages = {
    checkout: async () => {},
    build: async () => ({ results: [], kernelImage: '/k', selftestsDir: '/s' }),
    bootAndTest: boot,
  } as unknown as Stages;
  const s = {
    ctx: tempContext(),
    stages,
    lane: {},
    applied: { baseSha: 'b' },
    series: { id: 1, version: 1, patches: [] },
    suites,
    lists: [],
    retry: { retries: 0, backoffMs: 0 },
    slot: (_k: string, fn: () => Promise<unknown>) => fn(),
    at: 3,
    older: [],
  } as unknown as LaneSession;
  return { s, asked };
}

describe('targeted reruns', () => {
  it('boots only the suites asked about, test_verifier by the numbers of the same build', async () => {
    const { s, asked } = session();
    await runAt(s, 3, { kind: 'series', runId: 1 });
    expect(asked[0]?.suites.map((x) => x.name)).toEqual([
      'test_progs',
      'test_verifier',
      'test_maps',
    ]);
    await runAt(s, 3, { kind: 'rerun', runId: 1, only: { test_verifier: ['b [p]', 'c [p]'] } });
    expect(asked[1]?.suites.map((x) => x.name)).toEqual(['test_verifier']);
    expect(asked[1]?.verifierRanges).toEqual({ test_verifier: [1, 2] });
    // A repeated description is numbered from the start of the run: that needs the whole run.
    await runAt(s, 3, { kind: 'rerun', runId: 1, only: { test_verifier: ['c [p] (2)'] } });
    expect(asked[2]?.verifierRanges).toBeUndefined();
  });

  it('a probe of a state that never ran has no numbers: test_verifier runs whole', async () => {
    const { s, asked } = session();
    await runAt(s, 3, { kind: 'series', runId: 1 });
    await runAt(s, 1, {
      kind: 'bisect',
      runId: 1,
      only: { test_progs: ['align'], test_verifier: ['a [p]'] },
    });
    expect(asked[1]?.suites.map((x) => x.name)).toEqual(['test_progs', 'test_verifier']);
    expect(asked[1]?.only).toEqual({ test_progs: ['align'], test_verifier: ['a [p]'] });
    expect(asked[1]?.verifierRanges).toBeUndefined();
  });
});
