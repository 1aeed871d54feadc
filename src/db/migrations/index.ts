import m001 from './001-mail-series.js';
import m006 from './006-runs.js';

/**
 * Ordered schema migrations; the DB's user_version is the count applied. Append
 * only: never edit or reorder a migration that has shipped.
 */
export const MIGRATIONS: readonly string[] = [m001, m006];
