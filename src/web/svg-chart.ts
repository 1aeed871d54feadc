import { escapeHtml } from './html.js';

export interface Series {
  label: string;
  color: string;
  values: (number | null)[];
}

export interface ChartOptions {
  title: string;
  xLabels: string[];
  series: Series[];
  /** Fixed upper bound (1 for a rate); otherwise the data's maximum. */
  yMax?: number;
  yFormat?: (v: number) => string;
  width?: number;
  height?: number;
}

const PAD = { left: 56, right: 16, top: 28, bottom: 40 };

/**
 * A line chart as inline SVG, drawn on the server (no script on the page). Gaps
 * (null) break the line. Labels are escaped: they are ours, but cheap to be sure.
 */
export function lineChart(o: ChartOptions): string {
  const w = o.width ?? 720;
  const h = o.height ?? 240;
  const fmt = o.yFormat ?? ((v: number) => v.toFixed(0));
  const all = o.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const yMax = o.yMax ?? Math.max(1, ...all) * 1.1;
  const n = Math.max(1, o.xLabels.length - 1);
  const x = (i: number): number => PAD.left + ((w - PAD.left - PAD.right) * i) / n;
  const y = (v: number): number => h - PAD.bottom - ((h - PAD.top - PAD.bottom) * v) / yMax;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img">`,
    `<title>${escapeHtml(o.title)}</title>`,
    `<text x="${PAD.left}" y="18" font-size="13" font-weight="600">${escapeHtml(o.title)}</text>`,
  ];
  for (const t of [0, 0.5, 1]) {
    const yy = y(yMax * t);
    parts.push(
      `<line x1="${PAD.left}" x2="${w - PAD.right}" y1="${yy}" y2="${yy}" stroke="#e3e6ea"/>`,
      `<text x="${PAD.left - 6}" y="${yy + 4}" font-size="11" text-anchor="end">${escapeHtml(fmt(yMax * t))}</text>`,
    );
  }
  const step = Math.max(1, Math.ceil(o.xLabels.length / 8));
  o.xLabels.forEach((label, i) => {
    if (i % step !== 0 && i !== o.xLabels.length - 1) return;
    parts.push(
      `<text x="${x(i)}" y="${h - PAD.bottom + 16}" font-size="11" text-anchor="middle">${escapeHtml(label)}</text>`,
    );
  });
  o.series.forEach((s, k) => {
    let d = '';
    s.values.forEach((v, i) => {
      if (v === null) return;
      d += `${d && s.values[i - 1] !== null ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
    });
    if (d) parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    s.values.forEach((v, i) => {
      if (v !== null) parts.push(`<circle cx="${x(i)}" cy="${y(v)}" r="2.5" fill="${s.color}"/>`);
    });
    const lx = PAD.left + k * 140;
    parts.push(
      `<rect x="${lx}" y="${h - 14}" width="10" height="10" fill="${s.color}"/>`,
      `<text x="${lx + 14}" y="${h - 5}" font-size="11">${escapeHtml(s.label)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}
