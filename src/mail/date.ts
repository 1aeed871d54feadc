/** A Date: header read strictly: a parsed instant, or null with the reason. */
export interface MailDate {
  iso: string | null;
  note?: string;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const ZONES: Record<string, number> = {
  ut: 0,
  utc: 0,
  gmt: 0,
  z: 0,
  est: -5,
  edt: -4,
  cst: -6,
  cdt: -5,
  mst: -7,
  mdt: -6,
  pst: -8,
  pdt: -7,
};
// RFC 5322 date-time with the obsolete forms seen on lists: optional weekday,
// 2- or 4-digit year, optional seconds, numeric or named zone, trailing comment.
const DATE =
  /^(?:[A-Za-z]{3},?\s*)?(\d{1,2})\s+([A-Za-z]{3})[a-z]*\s+(\d{2}|\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{4}|[A-Za-z]{1,5})?\s*(?:\(.*\))?$/;

/** Earliest plausible date on a kernel list; later than a day ahead is a broken clock. */
const MIN_MS = Date.UTC(1991, 0, 1);
const MAX_AHEAD_MS = 24 * 3600 * 1000;

/**
 * Parses a Date: header. Never falls back to "now": an unparseable or
 * implausible date becomes null with a note, and callers order by arrival.
 */
export function parseMailDate(value: string | undefined, now = Date.now()): MailDate {
  if (!value?.trim()) return { iso: null, note: 'no Date header' };
  const m = DATE.exec(value.trim());
  const shown = JSON.stringify(value.slice(0, 80));
  if (!m) return { iso: null, note: `unparseable Date: ${shown}` };
  const [, d, mon, y, hh, mm, ss, zone] = m;
  const month = MONTHS.indexOf((mon ?? '').toLowerCase());
  let year = Number(y);
  if (y?.length === 2) year += year < 50 ? 2000 : 1900;
  const offsetMin = zoneOffsetMinutes(zone);
  if (month < 0 || offsetMin === undefined)
    return { iso: null, note: `unparseable Date: ${shown}` };
  const [day, hour, minute, second] = [Number(d), Number(hh), Number(mm), Number(ss ?? 0)];
  const ms = Date.UTC(year, month, day, hour, minute, second) - offsetMin * 60_000;
  const check = new Date(Date.UTC(year, month, day));
  if (check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 60) {
    return { iso: null, note: `invalid Date: ${shown}` };
  }
  if (ms < MIN_MS || ms > now + MAX_AHEAD_MS)
    return { iso: null, note: `out-of-range Date: ${shown}` };
  return { iso: new Date(ms).toISOString() };
}

function zoneOffsetMinutes(zone: string | undefined): number | undefined {
  if (!zone) return 0;
  const num = /^([+-])(\d{2})(\d{2})$/.exec(zone);
  if (num) {
    const minutes = Number(num[2]) * 60 + Number(num[3]);
    if (Number(num[3]) > 59 || Number(num[2]) > 14) return undefined;
    return num[1] === '-' ? -minutes : minutes;
  }
  const hours = ZONES[zone.toLowerCase()];
  return hours === undefined ? undefined : hours * 60;
}
