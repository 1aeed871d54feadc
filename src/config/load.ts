import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { BotError } from '../errors.js';
import { Config } from './schema.js';

export class ConfigError extends BotError {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(
      'CONFIG_INVALID',
      `${file}: invalid configuration\n${problems.map((p) => `  ${p}`).join('\n')}`,
    );
  }
}

/** The config file: --config, else $BPFCI_CONFIG, else config/example.yaml. */
export function configPath(flag?: string): string {
  return flag ?? process.env.BPFCI_CONFIG ?? 'config/example.yaml';
}

/** Every problem in the file, one per line, each starting with the key path. */
export function formatIssues(issues: z.core.$ZodIssue[]): string[] {
  return issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
}

/**
 * Loads and validates the YAML config. Relative paths in it (state.dir) are taken
 * relative to the current directory, as a maintainer typing a command expects.
 */
export function loadConfig(file: string): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new BotError('CONFIG_NOT_FOUND', `${file}: cannot read configuration`, { cause: err });
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => `(yaml): ${e.message.split('\n')[0]}`),
    );
  }
  const parsed = Config.safeParse(doc.toJS() ?? {});
  if (!parsed.success) throw new ConfigError(file, formatIssues(parsed.error.issues));
  return parsed.data;
}
