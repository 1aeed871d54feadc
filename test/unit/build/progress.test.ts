import { describe, expect, it } from 'vitest';
import { progressPrinter } from '../../../src/cli/progress.js';
import { type BuildProgress, progressTracker } from '../../../src/pipeline/build/progress.js';

describe('progressTracker', () => {
  it('counts compiles and follows the stages of a kernel build', () => {
    const seen: BuildProgress[] = [];
    const t = progressTracker('compile', (p) => seen.push(p));
    for (const line of [
      '  HOSTCC  scripts/kallsyms',
      '  CC      kernel/bpf/core.o',
      '  CC      kernel/bpf/verifier.o',
      '  LD      vmlinux.o',
      '  BTF     .btf.vmlinux.bin.o',
      '  KSYMS   .tmp_vmlinux.kallsyms1.S',
      '  BUILD   arch/x86/boot/bzImage',
    ])
      t.onLine(line);
    expect(t.current()).toEqual({ stage: 'image', compiled: 2 });
    expect(seen.map((p) => p.stage)).toEqual([
      'compile',
      'compile',
      'link',
      'btf',
      'kallsyms',
      'image',
    ]);
  });
});

describe('progressPrinter', () => {
  const sink = (isTTY: boolean) => {
    const out: string[] = [];
    return {
      out,
      stream: { isTTY, write: (s: string) => out.push(s) } as unknown as NodeJS.WriteStream,
    };
  };

  it('rewrites one line on a TTY', () => {
    let now = 0;
    const s = sink(true);
    const print = progressPrinter(s.stream, () => now);
    print({ stage: 'compile', compiled: 1 });
    now = 5_000;
    print({ stage: 'link', compiled: 40 });
    expect(s.out).toEqual(['\r\x1b[K[compile] 0s, 1 compiled', '\r\x1b[K[link] 5s, 40 compiled']);
  });

  it('prints one line per stage change elsewhere', () => {
    const s = sink(false);
    const print = progressPrinter(s.stream, () => 0);
    print({ stage: 'compile', compiled: 1 });
    print({ stage: 'compile', compiled: 2 });
    print({ stage: 'link', compiled: 2 });
    expect(s.out).toEqual(['[compile] 0s, 1 compiled\n', '[link] 0s, 2 compiled\n']);
  });
});
