import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The dependency rules of DESIGN.md ("Dependency rules"), checked on the source text:
 * src/verdict/ is the data model every layer shares; src/pipeline/ produces verdicts;
 * the store, the reports, the web pages and the CLI read them. A reader that imports the
 * pipeline (even for a type) ties the shape of what it shows to how a stage happens to
 * compute it, and drags the stage's code into every page and every report.
 */

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../../src');

const WHY_READERS =
  'readers of the verdict must not depend on the stage that produces it: import the ' +
  'verdict types from src/verdict/ instead (see DESIGN.md, dependency rules)';
const WHY_VERDICT =
  'src/verdict/ is the shared language below every layer: pure types and pure helpers ' +
  'that import nothing outside src/verdict/, so anything may read a verdict without ' +
  'pulling in config, I/O or a stage (see DESIGN.md, dependency rules)';

/**
 * CLI commands that run a stage, and their own helpers: the only CLI files that may.
 * check-config reads the matrix's kernel images and module dirs as the stage does.
 */
const STAGE_COMMANDS = [
  'cli/apply.ts',
  'cli/check-config.ts',
  'cli/build.ts',
  'cli/progress.ts',
  'cli/boot.ts',
  'cli/boot-print.ts',
  'cli/test.ts',
  'cli/test/',
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Every module a file names: static and type-only imports, re-exports, dynamic import(). */
function specifiersOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found = text.matchAll(
    /\bfrom\s+'([^']+)'|\bimport\s*\(\s*'([^']+)'\s*\)|^import\s+'([^']+)'/gm,
  );
  return [...found].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

/** Path under src/ that a relative specifier lands on, or undefined for a package. */
function target(file: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  return relative(SRC, resolve(dirname(file), spec));
}

interface Violation {
  file: string;
  spec: string;
}

function violations(
  dirs: string[],
  isForbidden: (spec: string, to: string | undefined) => boolean,
  exempt: string[] = [],
): Violation[] {
  const out: Violation[] = [];
  for (const dir of dirs) {
    for (const path of sourceFiles(join(SRC, dir))) {
      const file = relative(SRC, path);
      if (exempt.some((e) => (e.endsWith('/') ? file.startsWith(e) : file === e))) continue;
      for (const spec of specifiersOf(path)) {
        if (isForbidden(spec, target(path, spec))) out.push({ file, spec });
      }
    }
  }
  return out;
}

function report(found: Violation[], why: string): string {
  return `${why}:\n${found.map((v) => `  src/${v.file} imports '${v.spec}'`).join('\n')}`;
}

describe('layers', () => {
  it('finds the files it guards (the rule is not vacuous)', () => {
    for (const dir of ['db', 'report', 'web', 'cli', 'verdict']) {
      expect(sourceFiles(join(SRC, dir)).length, dir).toBeGreaterThan(0);
    }
    expect(specifiersOf(join(SRC, 'cli/apply.ts')).some((s) => s.includes('pipeline/'))).toBe(true);
  });

  it('store, reports, web and CLI read the verdict without importing the pipeline', () => {
    const found = violations(
      ['db', 'report', 'web', 'cli'],
      (_spec, to) => to?.startsWith('pipeline/') === true,
      STAGE_COMMANDS,
    );
    expect(found, report(found, WHY_READERS)).toEqual([]);
  });

  it('src/verdict imports nothing outside src/verdict', () => {
    const found = violations(['verdict'], (_spec, to) => !to?.startsWith('verdict/'));
    expect(found, report(found, WHY_VERDICT)).toEqual([]);
  });
});
