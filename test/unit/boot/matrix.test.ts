import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Config } from '../../../src/config/schema.js';
import type { AppContext } from '../../../src/context.js';
import { silentLogger } from '../../../src/log.js';
import type { BootRequest } from '../../../src/pipeline/boot/boot-and-test.js';
import { runMatrix } from '../../../src/pipeline/boot/matrix.js';
import type { BootResult } from '../../../src/verdict/stages.js';

describe('runMatrix', () => {
  it('runs the same selftests on every kernel, each with its own version deny list', async () => {
    const root = mkdtempSync(join(tmpdir(), 'bpfci-matrix-'));
    const lists = join(root, 'blacklists');
    const selftests = join(root, 'selftests');
    mkdirSync(lists);
    mkdirSync(selftests);
    writeFileSync(join(lists, 'DENYLIST-5.15'), 'old_kernel_only # needs 6.1 kfuncs\n');
    writeFileSync(join(lists, 'DENYLIST-6.1'), 'map_kptr # mismatch\n');
    writeFileSync(join(selftests, 'DENYLIST'), 'varlen\n');
    const config = Config.parse({ version: 1, state: { dir: root } });
    const ctx = { config, log: silentLogger, stateDir: root } as unknown as AppContext;
    const seen: BootRequest[] = [];
    const boot = async (_ctx: AppContext, req: BootRequest): Promise<BootResult> => {
      seen.push(req);
      return {
        status: req.kernelRelease?.startsWith('5.') ? 'no-boot' : 'ok',
        kernel: req.kernelImage,
        accel: 'tcg',
        suites: [],
        crashes: [],
        durationMs: 1,
      };
    };
    const entries = await runMatrix(
      ctx,
      {
        selftestsDir: selftests,
        suites: config.suites,
        artifactsDir: join(root, 'runs'),
        blacklistDir: lists,
        kernels: [
          { name: 'ubuntu 5.15', image: '/k/5.15', release: '5.15.0-1' },
          { name: 'debian-6.1', image: '/k/6.1', release: '6.1.0-56-amd64' },
        ],
      },
      boot,
    );
    expect(entries.map((e) => [e.kernel.name, e.release, e.denylist, e.result.status])).toEqual([
      ['ubuntu 5.15', '5.15.0-1', ['old_kernel_only', 'varlen'], 'no-boot'],
      ['debian-6.1', '6.1.0-56-amd64', ['map_kptr', 'varlen'], 'ok'],
    ]);
    expect(seen.map((r) => [r.selftestsDir, r.artifactsDir])).toEqual([
      [selftests, join(root, 'runs', 'ubuntu_5.15')],
      [selftests, join(root, 'runs', 'debian-6.1')],
    ]);
  });
});
