import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Config } from '../../src/config/schema.js';
import type { AppContext } from '../../src/context.js';
import { type Db, openDatabase } from '../../src/db/open.js';
import { silentLogger } from '../../src/log.js';

/** A context on a fresh temp state dir with a real SQLite DB, for daemon and web tests. */
export function tempContext(overrides: Record<string, unknown> = {}): AppContext {
  const stateDir = mkdtempSync(join(tmpdir(), 'bpfci-daemon-'));
  const config = Config.parse({
    version: 1,
    state: { dir: stateDir },
    trees: {
      bpf: { upstream: '/nonexistent/bpf' },
      'bpf-next': { upstream: '/nonexistent/bpf-next' },
    },
    routing: { default: 'bpf-next', tags: { bpf: 'bpf', 'bpf-next': 'bpf-next' } },
    daemon: { minFreeDiskGb: 0, idleSeconds: 1, heartbeatSeconds: 1 },
    ...overrides,
  });
  const db = openDatabase(join(stateDir, 'bpfci.sqlite'));
  return { config, configFile: join(stateDir, 'config.yaml'), db, log: silentLogger, stateDir };
}

export interface SeedSeries {
  name?: string;
  version?: number;
  total?: number;
  treeTag?: string | null;
  previousId?: number;
  complete?: boolean;
  submitter?: string;
}

let counter = 0;

/** Inserts a series with its patches as the store would (only the columns the daemon reads). */
export function seedSeries(db: Db, s: SeedSeries = {}): number {
  counter += 1;
  const now = new Date().toISOString();
  const total = s.total ?? 1;
  const info = db
    .prepare(
      `INSERT INTO series (version, name, submitter_name, submitter_addr, total, tree_tag,
         complete, previous_id, created_at, updated_at)
       VALUES (?, ?, 'A U Thor', ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      s.version ?? 1,
      s.name ?? `[PATCH bpf-next] series ${counter}`,
      s.submitter ?? 'author@example.org',
      total,
      s.treeTag === undefined ? 'bpf-next' : s.treeTag,
      s.complete === false ? 0 : 1,
      s.previousId ?? null,
      now,
      now,
    );
  const id = Number(info.lastInsertRowid);
  const name = s.name ?? `[PATCH bpf-next] series ${counter}`;
  for (let i = 1; i <= total; i++) {
    const mid = `<s${id}-p${i}.${counter}@example.org>`;
    db.prepare('INSERT INTO series_patches (series_id, idx, message_id) VALUES (?, ?, ?)').run(
      id,
      i,
      mid,
    );
    db.prepare(
      `INSERT INTO messages (message_id, sha256, raw_path, size, kind, subject, from_name,
         from_addr, source, received_at)
       VALUES (?, 'x', '/dev/null', 0, 'patch', ?, 'A U Thor', ?, 'test', ?)`,
    ).run(mid, `${name} ${i}/${total}`, s.submitter ?? 'author@example.org', now);
  }
  return id;
}

/** Marks `oldId` superseded by `newId`, as the store does when vN+1 arrives. */
export function supersede(db: Db, oldId: number, newId: number): void {
  db.prepare('UPDATE series SET superseded_by = ? WHERE id = ?').run(newId, oldId);
}
