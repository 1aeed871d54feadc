/** Turns the daemon's JSON log lines into short human lines for the demo's screen. */
export function condenseLogLine(line: string): string | undefined {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.trim() ? `  ${line}` : undefined;
  }
  const { time, msg, level, pid: _pid, hostname: _h, ...rest } = rec;
  if (typeof msg !== 'string') return undefined;
  const clock = typeof time === 'number' ? new Date(time).toISOString().slice(11, 19) : '';
  const fields = Object.entries(rest)
    .filter(([, v]) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
    .slice(0, 5)
    .map(([k, v]) => `${k}=${String(v).slice(0, 60)}`)
    .join(' ');
  const mark = typeof level === 'number' && level >= 40 ? '!' : ' ';
  return `${mark} ${clock} ${msg}${fields ? `  ${fields}` : ''}`;
}
