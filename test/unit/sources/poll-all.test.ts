import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Config } from '../../../src/config/schema.js';
import { openDatabase } from '../../../src/db/open.js';
import { silentLogger } from '../../../src/log.js';
import { configuredPollers, pollAll } from '../../../src/sources/poll-all.js';

const config = Config.parse({
  version: 1,
  sources: {
    imap: {
      host: '127.0.0.1',
      port: 1,
      tls: 'none',
      user: 'u',
      passwordEnv: 'NO_SUCH_PASSWORD_VAR',
    },
  },
});

describe('pollAll', () => {
  const ctx = () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'bpfci-pa-'));
    return { db: openDatabase(join(stateDir, 'db.sqlite')), stateDir, log: silentLogger };
  };

  it('builds pollers only for configured sources and refuses an unknown --source', async () => {
    const pollers = configuredPollers(config, silentLogger, {});
    expect(pollers.map((p) => p.name)).toEqual(['imap']);
    await expect(pollAll(ctx(), pollers, 'lore')).rejects.toThrow(
      /not configured \(configured: imap\)/,
    );
  });

  it('a missing IMAP password fails that source as data (CONFIG_INVALID), not the others', async () => {
    const c = ctx();
    const [report] = await pollAll(c, configuredPollers(config, silentLogger, {}));
    expect(report?.error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect(report?.error?.message).toContain('NO_SUCH_PASSWORD_VAR');
    c.db.close();
  });
});
