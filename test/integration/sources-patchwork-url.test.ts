import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerPoll } from '../../src/cli/poll.js';
import { loadConfig } from '../../src/config/load.js';
import { createChecksClient } from '../../src/report/checks-client.js';
import { patchworkAccess } from '../../src/report/patchwork-access.js';
import { runCliInProcess } from '../helpers/cli-in-process.js';
import { writeConfig } from '../helpers/daemon-cli.js';
import { type PatchworkFake, startPatchworkFake } from '../helpers/patchwork-fake/index.js';
import { loreMails } from '../helpers/sources-store.js';

const TOKEN_ENV = 'BPFCI_TEST_PW_URL_TOKEN';

/**
 * Every URL form a user writes for sources.patchwork.url, against the fake: `bpfci
 * poll` stores the series and a check is posted, both on /api/1.2/. Before one
 * normalisation served both, `…/api/` polled but posted to /api/api/1.2/ (404) and
 * `http://host/` passed check-config but polled /events/ (poll exit 2).
 */
describe('sources.patchwork.url forms against the fake', () => {
  let pw: PatchworkFake;
  beforeAll(async () => {
    pw = await startPatchworkFake({ seed: 'empty' });
    process.env[TOKEN_ENV] = pw.token;
  });
  afterAll(async () => {
    delete process.env[TOKEN_ENV];
    await pw?.stop();
  });

  function configFile(url: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'bpfci-pwurl-'));
    const file = join(dir, 'config.yaml');
    const patchwork = { url, project: 'netdevbpf', tokenEnv: TOKEN_ENV, timeoutSeconds: 2 };
    writeConfig(file, {
      log: { level: 'error' },
      state: { dir: join(dir, 'state') },
      sources: { patchwork },
    });
    return file;
  }

  for (const suffix of ['', '/', '/api', '/api/', '/api/1.2/']) {
    it(`polls and posts a check with url ${suffix ? `http://host${suffix}` : 'http://host'}`, async () => {
      const [cover, ...patches] = loreMails('v2-series');
      const added = pw.addSeries({ cover, patches });
      const file = configFile(`${pw.base}${suffix}`);
      pw.requests.length = 0;

      const poll = await runCliInProcess(registerPoll, [
        '--config',
        file,
        'poll',
        '--source',
        'patchwork',
      ]);
      expect(poll.err).toBe('');
      expect(poll.code).toBe(0);
      expect(poll.out).toMatch(/^patchwork: 4 new message\(s\)/);
      expect(
        pw.requests.every(
          (r) => r.url.pathname.startsWith('/api/1.2/') || r.url.pathname.includes('/mbox/'),
        ),
      ).toBe(true);

      const access = patchworkAccess(loadConfig(file));
      expect(access?.apiUrl).toBe(`${pw.base}/api/1.2/`);
      const patchId = added.patchIds[0] as number;
      await createChecksClient(access as NonNullable<typeof access>, 2000).post({
        patchId,
        context: 'bpfci-build',
        state: 'success',
        description: 'builds',
        target_url: 'http://127.0.0.1:8080/runs/1',
      });
      expect(pw.checkPosts.at(-1)).toMatchObject({ patchId, status: 201, user: 'ci-bot' });
      expect(pw.requests.at(-1)?.url.pathname).toBe(`/api/1.2/patches/${patchId}/checks/`);
    });
  }
});
