import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../../src/config/schema.js';
import type { AppContext } from '../../../src/context.js';
import { openDatabase } from '../../../src/db/open.js';
import { silentLogger } from '../../../src/log.js';
import { NOW } from '../../unit/report/scenarios.js';

/** A real SQLite file in a temp dir, reopenable (to simulate a restart after a crash). */
export interface TestState {
  dir: string;
  open(config: Config): AppContext;
  cleanup(): void;
}

export function testState(): TestState {
  const dir = mkdtempSync(join(tmpdir(), 'bpfci-report-'));
  return {
    dir,
    open: (config) => ({
      config,
      configFile: '',
      db: openDatabase(join(dir, 'bpfci.sqlite')),
      log: silentLogger,
      stateDir: dir,
    }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A clock the test moves by hand: backoff and verify delays without waiting. */
export function testClock(start = NOW) {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    advance(seconds: number) {
      t += seconds * 1000;
    },
  };
}

export function outboxRows(ctx: AppContext) {
  return ctx.db
    .prepare(
      'SELECT id, kind, state, attempts, in_flight, last_error, note FROM outbox ORDER BY id',
    )
    .all() as {
    id: number;
    kind: string;
    state: string;
    attempts: number;
    in_flight: number;
    last_error: string | null;
    note: string | null;
  }[];
}
