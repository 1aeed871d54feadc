import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { configPath, loadConfig } from './config/load.js';
import type { Config } from './config/schema.js';
import { type Db, openDatabase } from './db/open.js';
import { createLogger, type Logger } from './log.js';

/** What every command and stage gets: the config, the DB, a logger and the state dir. */
export interface AppContext {
  config: Config;
  configFile: string;
  db: Db;
  log: Logger;
  stateDir: string;
}

export interface ContextOptions {
  config?: string;
}

export function openContext(options: ContextOptions = {}): AppContext {
  const configFile = configPath(options.config);
  const config = loadConfig(configFile);
  const stateDir = resolve(config.state.dir);
  mkdirSync(stateDir, { recursive: true });
  const log = createLogger(process.env.BPFCI_LOG_LEVEL ?? config.log.level);
  const db = openDatabase(join(stateDir, 'bpfci.sqlite'));
  return { config, configFile, db, log, stateDir };
}

export function closeContext(ctx: AppContext): void {
  ctx.db.close();
}
