import m001 from './001-mail-series.js';

/**
 * Ordered schema migrations; the DB's user_version is the count applied. Append
 * only: never edit or reorder a migration that has shipped.
 */
export const MIGRATIONS: readonly string[] = [m001];
