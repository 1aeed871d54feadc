import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BotError } from '../../../src/errors.js';
import { runChecked, runCommand } from '../../../src/exec/run.js';

/** Running or sleeping; a zombie waiting for a reaper counts as dead. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX]/.test(stat);
  } catch {
    return false;
  }
}

describe('runCommand', () => {
  it('streams the whole output to the log and keeps a tail in memory', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'bpfci-run-')), 'out.log');
    const r = await runCommand(['sh', '-c', 'for i in $(seq 1 2000); do echo line$i; done'], {
      logFile: log,
      tailBytes: 64,
    });
    expect(r.exitCode).toBe(0);
    expect(r.stdoutTail.length).toBeLessThanOrEqual(64);
    expect(r.stdoutTail).toContain('line2000');
    const text = readFileSync(log, 'utf8');
    expect(text).toContain('line1\n');
    expect(text).toContain('line2000\n');
  });

  it('passes no environment it was not given', async () => {
    process.env.BPFCI_TEST_SECRET = 'hunter2';
    const r = await runCommand(['env'], { env: { PATH: process.env.PATH } });
    expect(r.stdoutTail).not.toContain('hunter2');
    delete process.env.BPFCI_TEST_SECRET;
  });

  it('kills the whole process group on timeout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bpfci-run-'));
    const pidFile = join(dir, 'grandchild.pid');
    const r = await runCommand(['sh', '-c', `sleep 300 & echo $! > ${pidFile}; wait`], {
      timeoutMs: 500,
    });
    expect(r.timedOut).toBe(true);
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    await new Promise((res) => setTimeout(res, 200));
    expect(alive(grandchild)).toBe(false);
  });

  it('kills the group when aborted', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const r = await runCommand(['sleep', '300'], { signal: ac.signal });
    expect(r.cancelled).toBe(true);
    expect(r.exitCode).not.toBe(0);
  });

  it('reports lines as they come', async () => {
    const lines: string[] = [];
    await runCommand(['printf', 'a\\nb\\nc\\n'], { onLine: (l) => lines.push(l) });
    expect(lines).toEqual(['a', 'b', 'c']);
  });

  it('throws EXEC_MISSING for a program that does not exist', async () => {
    await expect(runCommand(['/nonexistent/prog'])).rejects.toMatchObject({ code: 'EXEC_MISSING' });
  });

  it('runChecked throws EXEC_FAILED with the tail of stderr', async () => {
    const err = await runChecked(['sh', '-c', 'echo boom >&2; exit 3']).catch((e) => e);
    expect(err).toBeInstanceOf(BotError);
    expect(err.code).toBe('EXEC_FAILED');
    expect(err.message).toContain('boom');
    expect(existsSync('/nonexistent')).toBe(false);
  });
});
