/**
 * Line charts as inline SVG text (no DOM, no script), for the HTML report. d3-scale supplies the scales
 * and their "nice" tick values (linear and log) and d3-shape the path strings: the fiddly parts of a
 * chart (tick choice on log axes, path serialisation) come from a well-kept library instead of being
 * written here; this module only lays out axes, labels and a legend.
 */
import { scaleLinear, scaleLog } from 'd3-scale';
import { line } from 'd3-shape';
import { formatNumber } from './numbers.js';

export interface ChartSeries {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
  /** drawn dashed (lower bounds: the true curve may lie above) */
  readonly dashed?: boolean;
  /** markers only, no line (points that are not a curve) */
  readonly markersOnly?: boolean;
  /** marker radius (default 2.5) */
  readonly radius?: number;
}

export interface Chart {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly xLog?: boolean;
  readonly yLog?: boolean;
  /** a linear y axis starts at 0 unless false */
  readonly yFromZero?: boolean;
  readonly series: readonly ChartSeries[];
  readonly width?: number;
  readonly height?: number;
  /** a short id for the SVG (tests and links find the plot by it) */
  readonly id: string;
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b'];

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function usable(p: readonly [number, number], xLog: boolean, yLog: boolean): boolean {
  return Number.isFinite(p[0]) && Number.isFinite(p[1]) && (!xLog || p[0] > 0) && (!yLog || p[1] > 0);
}

function extent(values: number[]): [number, number] {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (!(lo < hi)) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  return [lo, hi];
}

/** At most about `count` ticks; on a log axis with many decades, powers of ten only (every k-th). */
function ticksOf(scale: { ticks(count?: number): number[] }, log: boolean, count: number): number[] {
  const ticks = scale.ticks(count);
  if (!log) return ticks;
  const decades = ticks.filter((t) => Math.abs(Math.log10(t) - Math.round(Math.log10(t))) < 1e-9);
  if (decades.length >= 2) {
    const step = Math.ceil(decades.length / count);
    return decades.filter((_, i) => i % step === 0);
  }
  return ticks.length > count * 2 ? ticks.filter((_, i) => i % Math.ceil(ticks.length / count) === 0) : ticks;
}

export function lineChart(chart: Chart): string {
  const width = chart.width ?? 900;
  const height = chart.height ?? 400;
  // room for the longest legend entry (about 7.5 px per character at the chart's 13 px font)
  const legendWidth = Math.max(140, Math.ceil(36 + 7.5 * Math.max(0, ...chart.series.map((s) => s.name.length))));
  const m = { top: 40, right: legendWidth + 16, bottom: 52, left: 72 };
  const xLog = chart.xLog === true;
  const yLog = chart.yLog === true;
  const series = chart.series
    .map((s) => ({ ...s, points: s.points.filter((p) => usable(p, xLog, yLog)) }))
    .filter((s) => s.points.length > 0);
  const all = series.flatMap((s) => s.points);
  const title = `<text class="chart-title" x="${m.left}" y="20">${escapeXml(chart.title)}</text>`;
  const open = `<svg xmlns="http://www.w3.org/2000/svg" id="${escapeXml(chart.id)}" class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(chart.title)}">`;
  if (all.length === 0) return `${open}${title}<text x="${m.left}" y="${height / 2}">no finite points to draw</text></svg>`;

  const [x0, x1] = extent(all.map((p) => p[0]));
  const [y0, y1] = extent(all.map((p) => p[1]));
  const range = { x: [m.left, width - m.right] as [number, number], y: [height - m.bottom, m.top] as [number, number] };
  const x = xLog ? scaleLog().domain([x0, x1]).range(range.x).nice() : scaleLinear().domain([x0, x1]).range(range.x).nice();
  const y = yLog
    ? scaleLog().domain([y0, y1]).range(range.y).nice()
    : scaleLinear()
        .domain([chart.yFromZero === false ? y0 : Math.min(0, y0), y1])
        .range(range.y)
        .nice();

  const parts: string[] = [open, `<title>${escapeXml(chart.title)}</title>`, title];
  // grid and ticks
  for (const t of ticksOf(y, yLog, 6)) {
    const py = y(t).toFixed(1);
    parts.push(`<line class="grid" x1="${range.x[0]}" x2="${range.x[1]}" y1="${py}" y2="${py}"/>`);
    parts.push(
      `<text class="tick" x="${range.x[0] - 6}" y="${py}" text-anchor="end" dominant-baseline="middle">${escapeXml(formatNumber(t, 3))}</text>`,
    );
  }
  for (const t of ticksOf(x, xLog, 7)) {
    const px = x(t).toFixed(1);
    parts.push(`<line class="grid" x1="${px}" x2="${px}" y1="${range.y[1]}" y2="${range.y[0]}"/>`);
    parts.push(`<text class="tick" x="${px}" y="${range.y[0] + 16}" text-anchor="middle">${escapeXml(formatNumber(t, 3))}</text>`);
  }
  parts.push(
    `<rect class="frame" x="${range.x[0]}" y="${range.y[1]}" width="${range.x[1] - range.x[0]}" height="${range.y[0] - range.y[1]}"/>`,
  );
  parts.push(
    `<text class="axis-label" x="${(range.x[0] + range.x[1]) / 2}" y="${height - 10}" text-anchor="middle">${escapeXml(chart.xLabel)}</text>`,
  );
  parts.push(
    `<text class="axis-label" transform="translate(16 ${(range.y[0] + range.y[1]) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(chart.yLabel)}</text>`,
  );
  // series
  const path = line<readonly [number, number]>()
    .x((p) => x(p[0]))
    .y((p) => y(p[1]));
  series.forEach((s, i) => {
    const colour = PALETTE[i % PALETTE.length];
    const d = path(s.points) ?? '';
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    parts.push(`<g class="series" data-series="${escapeXml(s.name)}">`);
    if (!s.markersOnly) parts.push(`<path class="line" d="${d}" stroke="${colour}"${dash}/>`);
    for (const p of s.points)
      parts.push(`<circle cx="${x(p[0]).toFixed(1)}" cy="${y(p[1]).toFixed(1)}" r="${s.radius ?? 2.5}" fill="${colour}"/>`);
    parts.push('</g>');
    const ly = m.top + 8 + i * 20;
    const lx = width - legendWidth;
    if (s.markersOnly) parts.push(`<circle cx="${lx + 11}" cy="${ly}" r="${s.radius ?? 2.5}" fill="${colour}"/>`);
    else parts.push(`<line x1="${lx}" x2="${lx + 22}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="2.5"${dash}/>`);
    parts.push(`<text class="legend" x="${lx + 28}" y="${ly}" dominant-baseline="middle">${escapeXml(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
