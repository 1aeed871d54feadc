import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/load.js';

function write(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'bpfci-cfg-')), 'c.yaml');
  writeFileSync(file, text);
  return file;
}

describe('loadConfig', () => {
  it('accepts the documented example', () => {
    const cfg = loadConfig('config/example.yaml');
    expect(cfg.version).toBe(1);
    expect(cfg.sources.patchwork?.project).toBe('netdevbpf');
    expect(cfg.routing?.default).toBe('bpf-next');
  });

  it('names every bad key by its path', () => {
    const file = write(
      'version: 1\nsources:\n  patchwork:\n    url: not a url\n    project: p\nvm:\n  cpus: zero\n',
    );
    const err = (() => {
      try {
        loadConfig(file);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^sources\.patchwork\.url: /);
    expect(problems[1]).toMatch(/^vm\.cpus: /);
  });

  it('rejects unknown keys and a secret given inline instead of an env var name', () => {
    const file = write(
      'version: 1\nbogus: 1\nsources:\n  patchwork:\n    url: http://x/\n    project: p\n    tokenEnv: abc123secret\n',
    );
    expect(() => loadConfig(file)).toThrow(/sources\.patchwork\.tokenEnv: must be an environment/);
    expect(() => loadConfig(file)).toThrow(/bogus/);
  });

  it('checks that routing names existing trees', () => {
    const file = write('version: 1\ntrees:\n  bpf: { upstream: /x }\nrouting:\n  default: nope\n');
    expect(() => loadConfig(file)).toThrow(/routing\.default: unknown tree "nope"/);
  });

  it('fails on YAML syntax errors with a clear message', () => {
    expect(() => loadConfig(write('version: [1\n'))).toThrow(ConfigError);
  });

  it('refuses a vm.arch the build cannot make, naming the key', () => {
    for (const arch of ['aarch64', 's390x', 'riscv64']) {
      const file = write(`version: 1\nvm:\n  arch: ${arch}\n`);
      expect(() => loadConfig(file)).toThrow(
        new RegExp(`vm\\.arch: "${arch}" is not supported: bpfci builds and boots x86_64`),
      );
    }
    expect(loadConfig(write('version: 1\nvm:\n  arch: x86_64\n')).vm.arch).toBe('x86_64');
    expect(loadConfig(write('version: 1\n')).vm.arch).toBe('x86_64');
  });

  it('checks a fleet: unique worker names, a coordinator URL for a worker, a sane death timeout', () => {
    const fleet = (yaml: string) =>
      write(`version: 1\ntrees:\n  bpf: { upstream: /x }\nfleet:\n${yaml}`);
    expect(() =>
      loadConfig(
        fleet('  workers:\n    - { name: w1, tokenEnv: A }\n    - { name: w1, tokenEnv: B }\n'),
      ),
    ).toThrow(/fleet\.workers\.1\.name: duplicate "w1"/);
    expect(() => loadConfig(fleet('  worker: { name: w1, trees: [bpf] }\n'))).toThrow(
      /fleet\.coordinator\.url: a worker \(fleet\.worker\) needs the URL/,
    );
    expect(() => loadConfig(fleet('  heartbeatSeconds: 10\n  deadAfterSeconds: 15\n'))).toThrow(
      /fleet\.deadAfterSeconds: must be more than twice heartbeatSeconds/,
    );
    const worker = loadConfig(
      fleet('  coordinator: { url: http://10.0.0.1:8479 }\n  worker: { name: w1, trees: [bpf] }\n'),
    );
    expect(worker.fleet?.worker).toEqual({
      name: 'w1',
      tokenEnv: 'BPFCI_WORKER_TOKEN',
      trees: ['bpf'],
    });
  });
});
