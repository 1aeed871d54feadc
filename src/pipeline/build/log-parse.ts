import type { BuildError } from '../../verdict/stages.js';

/**
 * Reading make output: what was compiled (the measure of incrementality), the
 * compiler warnings, and the first error. Paths are reported relative to the
 * source tree so that the same warning compares equal across lanes and builds.
 */

/** kbuild's quiet lines for one compiled translation unit ("  CC      kernel/bpf/core.o"). */
const COMPILE_RE =
  /^\s{2}(CC \[M\]|AS \[M\]|CC|AS|HOSTCC|CLNG-BPF|GCC-BPF|CXX)\s+(?:\[[^\]]*\]\s+)?(\S+)/;
const DIAG_RE =
  /^(?<file>[^\s:][^:]*):(?<line>\d+)(?::(?<col>\d+))?: (?<kind>warning|error|fatal error): (?<msg>.*)$/;
const LINK_ERROR_RE = /(undefined reference to|multiple definition of|ld(?:\.lld)?: error:)/;
const MAKE_ERROR_RE = /^make(?:\[\d+\])?: \*\*\* (.*)$/;
const WARNING_LINE_RE = /^(?:WARNING: (?!Kernel ABI header)|warning: )/;

export interface CompileStep {
  tool: string;
  object: string;
}

export function parseCompileLine(line: string): CompileStep | undefined {
  const m = COMPILE_RE.exec(line);
  return m ? { tool: m[1] ?? '', object: m[2] ?? '' } : undefined;
}

/** The compiled objects of a log, in order (HOSTCC excluded: host tools are not the kernel). */
export function compiledObjects(log: string, stripPrefixes: string[] = []): string[] {
  const out: string[] = [];
  for (const line of log.split('\n')) {
    const step = parseCompileLine(line);
    if (step && step.tool !== 'HOSTCC') out.push(relativize(step.object, stripPrefixes));
  }
  return out;
}

/** What kbuild rebuilds on every vmlinux relink, whatever changed (version stamp, kallsyms, bzImage). */
const RELINK_STEP = /^(\.tmp_|init\/version|arch\/x86\/boot\/|\.vmlinux)/;

/** The compiled objects beyond kbuild's relink of vmlinux: what the change itself touched. */
export function touchedObjects(log: string): string[] {
  return compiledObjects(log).filter((o) => !RELINK_STEP.test(o));
}

export interface Warning {
  file: string;
  line?: number;
  message: string;
  /** Stable identity for the delta: file and message, without line numbers (a patch shifts them). */
  key: string;
}

export function parseWarnings(log: string, stripPrefixes: string[] = []): Warning[] {
  const out: Warning[] = [];
  for (const raw of log.split('\n')) {
    const line = raw.trimEnd();
    const d = DIAG_RE.exec(line);
    if (d?.groups && d.groups.kind === 'warning') {
      const file = relativize(d.groups.file ?? '', stripPrefixes);
      const message = relativizeText(d.groups.msg ?? '', stripPrefixes);
      out.push({ file, line: Number(d.groups.line), message, key: `${file}: ${message}` });
    } else if (!d && WARNING_LINE_RE.test(line)) {
      const message = relativizeText(line, stripPrefixes);
      out.push({ file: '', message, key: message });
    }
  }
  return out;
}

/**
 * The first error: a compiler diagnostic, else a linker error, else make's own
 * "*** ... Error" line. Context is the lines around it (gcc's "In function",
 * the source excerpt and caret).
 */
export function firstError(log: string, stripPrefixes: string[] = []): BuildError | undefined {
  const lines = log.split('\n').map((l) => l.trimEnd());
  const ctx = (i: number): string =>
    relativizeText(lines.slice(Math.max(0, i - 2), i + 4).join('\n'), stripPrefixes);
  for (let i = 0; i < lines.length; i++) {
    const d = DIAG_RE.exec(lines[i] ?? '');
    if (d?.groups && d.groups.kind !== 'warning') {
      return {
        file: relativize(d.groups.file ?? '', stripPrefixes),
        line: Number(d.groups.line),
        message: relativizeText(d.groups.msg ?? '', stripPrefixes),
        context: ctx(i),
      };
    }
  }
  for (let i = 0; i < lines.length; i++) {
    if (LINK_ERROR_RE.test(lines[i] ?? '')) {
      return { message: relativizeText(lines[i] ?? '', stripPrefixes), context: ctx(i) };
    }
  }
  for (let i = 0; i < lines.length; i++) {
    const m = MAKE_ERROR_RE.exec(lines[i] ?? '');
    if (m) return { message: relativizeText(m[0], stripPrefixes), context: ctx(i) };
  }
  return undefined;
}

/** Strips the source/build dir (and a leading "./" or "../src/" style prefix made by ccache). */
export function relativize(path: string, prefixes: string[]): string {
  for (const p of prefixes) {
    const withSlash = p.endsWith('/') ? p : `${p}/`;
    if (path.startsWith(withSlash)) return path.slice(withSlash.length);
  }
  return path.startsWith('./') ? path.slice(2) : path;
}

function relativizeText(text: string, prefixes: string[]): string {
  let out = text;
  for (const p of prefixes) {
    const withSlash = p.endsWith('/') ? p : `${p}/`;
    out = out.split(withSlash).join('');
  }
  return out;
}
