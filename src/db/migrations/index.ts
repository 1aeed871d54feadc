import m001 from './001-mail-series.js';
import m002 from './002-sources.js';
import m003 from './003-trees-lanes.js';
import m006 from './006-runs.js';
import m007 from './007-outbox.js';
import m008 from './008-jobs.js';
import m009 from './009-series-delegate.js';
import m010 from './010-test-metrics.js';
import m011 from './011-mail-as-sent.js';
import m012 from './012-retest.js';
import m013 from './013-fleet.js';

/**
 * Ordered schema migrations; the DB's user_version is the count applied. Append
 * only: never edit or reorder a migration that has shipped.
 */
export const MIGRATIONS: readonly string[] = [
  m001,
  m002,
  m003,
  m006,
  m007,
  m008,
  m009,
  m010,
  m011,
  m012,
  m013,
];
