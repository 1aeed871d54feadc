/**
 * A node-cron expression (seconds field first) that fires about every `seconds`.
 * Cron can only step within a field, so an interval is rounded to the nearest
 * step of seconds, minutes or hours; one that does not divide its field leaves a
 * shorter gap at the field's wrap (e.g. every 45 s fires at :00 and :45).
 */
export function cronForInterval(seconds: number): string {
  if (seconds < 60) return `*/${Math.max(1, Math.round(seconds))} * * * * *`;
  if (seconds < 3600) return `0 */${Math.min(59, Math.round(seconds / 60))} * * * *`;
  if (seconds < 86_400) return `0 0 */${Math.min(23, Math.round(seconds / 3600))} * * *`;
  return '0 0 0 * * *';
}
