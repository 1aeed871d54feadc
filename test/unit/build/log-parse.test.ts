import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  compiledObjects,
  firstError,
  parseCompileLine,
  parseWarnings,
  relativize,
  touchedObjects,
} from '../../../src/pipeline/build/log-parse.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/build/${name}`, import.meta.url), 'utf8');

describe('compiledObjects', () => {
  it('counts CC and AS lines of a real kbuild log, not HOSTCC or link steps', () => {
    const objs = compiledObjects(fixture('kbuild-excerpt.log'));
    expect(objs).toContain('init/main.o');
    expect(objs).toContain('usr/initramfs_data.o');
    expect(objs.some((o) => o.includes('resolve_btfids'))).toBe(false);
    expect(objs).not.toContain('usr/built-in.a');
    // 26 = grep -cE "^  (CC|AS) " on the fixture.
    expect(objs).toHaveLength(26);
  });

  it('tells the touched objects from the relink in a real one-file rebuild of 6.1', () => {
    const log = fixture('one-file-rebuild.log');
    expect(compiledObjects(log)).toHaveLength(8);
    expect(touchedObjects(log)).toEqual(['kernel/bpf/core.o']);
  });

  it('reads module and BPF object lines', () => {
    expect(parseCompileLine('  CC [M]  net/foo.o')).toEqual({
      tool: 'CC [M]',
      object: 'net/foo.o',
    });
    expect(parseCompileLine('  CLNG-BPF [test_maps] atomics.bpf.o')).toEqual({
      tool: 'CLNG-BPF',
      object: 'atomics.bpf.o',
    });
    expect(parseCompileLine('  LD      vmlinux')).toBeUndefined();
  });
});

describe('firstError', () => {
  it('extracts file:line: message and the source excerpt from gcc', () => {
    const e = firstError(fixture('gcc-error.log'));
    expect(e).toMatchObject({
      file: 'helper.c',
      line: 3,
      message: "expected expression before ';' token",
    });
    expect(e?.context).toContain('return x +;');
    expect(e?.context).toContain("In function 'helper'");
  });

  it('falls back to the linker error', () => {
    const e = firstError(fixture('link-error.log'));
    expect(e?.file).toBeUndefined();
    expect(e?.message).toMatch(/undefined reference to `nothere'/);
  });

  it("falls back to make's own error line, and finds nothing in a clean log", () => {
    expect(firstError("make: *** No rule to make target 'x'.  Stop.\n")?.message).toMatch(
      /No rule/,
    );
    expect(firstError(fixture('gcc-warning.log'))).toBeUndefined();
  });

  it('reports paths relative to the tree, absolute or ccache-relative', () => {
    const log = '/lanes/bpf/src/kernel/bpf/verifier.c:12:3: error: boom\n';
    expect(firstError(log, ['/lanes/bpf/src'])?.file).toBe('kernel/bpf/verifier.c');
    expect(relativize('../src/kernel/bpf/core.c', ['../src'])).toBe('kernel/bpf/core.c');
  });
});

describe('parseWarnings', () => {
  it('keys a warning by file and message, without the line number', () => {
    const [w, ...rest] = parseWarnings(fixture('gcc-warning.log'));
    expect(rest).toEqual([]);
    expect(w).toMatchObject({
      file: 'helper.c',
      line: 3,
      key: "helper.c: unused variable 'unused' [-Wunused-variable]",
    });
  });

  it('counts warnings next to an error, and kbuild WARNING lines', () => {
    expect(parseWarnings(fixture('gcc-error.log'))).toHaveLength(1);
    const w = parseWarnings('WARNING: modpost: vmlinux.o: section mismatch in reference\n');
    expect(w[0]?.key).toMatch(/section mismatch/);
  });

  it("ignores the selftests' harmless ABI header notice", () => {
    const line =
      "Warning: Kernel ABI header at 'tools/include/uapi/linux/bpf.h' differs from latest version";
    expect(parseWarnings(`WARNING: Kernel ABI header at 'x' differs\n${line}\n`)).toEqual([]);
  });
});
