/**
 * A scatter chart in plain text for the terminal (`dpacct compare --plot`): one letter per series, so it
 * reads without colour and survives copy-paste into an issue or a log. Hand-written because the terminal
 * chart packages draw one line per series told apart only by colour, which is lost when piped.
 */
import { formatNumber } from './numbers.js';

export interface TextSeries {
  readonly name: string;
  readonly marker: string;
  readonly points: readonly (readonly [number, number])[];
}

export interface TextChart {
  readonly series: readonly TextSeries[];
  readonly xLabel: string;
  readonly yLabel: string;
  /** plot columns and rows */
  readonly width?: number;
  readonly height?: number;
  /** log10 y axis (default: when the values span more than a factor 20) */
  readonly yLog?: boolean;
}

/** The chart as lines: y labels on the left, the x axis below, a legend; `*` where series overlap. */
export function textChart(chart: TextChart): string[] {
  const width = chart.width ?? 60;
  const height = chart.height ?? 14;
  const points = chart.series.flatMap((s) => s.points.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1])));
  const positive = points.filter((p) => p[1] > 0).map((p) => p[1]);
  const yLog =
    chart.yLog ?? (positive.length === points.length && positive.length > 1 && Math.max(...positive) / Math.min(...positive) > 20);
  const usable = (p: readonly [number, number]) => Number.isFinite(p[0]) && Number.isFinite(p[1]) && (!yLog || p[1] > 0);
  const ys = points.filter(usable).map((p) => (yLog ? Math.log10(p[1]) : p[1]));
  const xs = points.filter(usable).map((p) => p[0]);
  if (xs.length === 0) return ['(no finite points to plot)'];
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (!yLog) y0 = Math.min(0, y0);
  if (y1 === y0) y1 = y0 + 1;
  const col = (x: number) => (x1 === x0 ? 0 : Math.round(((x - x0) / (x1 - x0)) * (width - 1)));
  const row = (y: number) => Math.round((1 - ((yLog ? Math.log10(y) : y) - y0) / (y1 - y0)) * (height - 1));

  const grid = Array.from({ length: height }, () => Array.from({ length: width }, () => ' '));
  for (const s of chart.series)
    for (const p of s.points) {
      if (!usable(p)) continue;
      const r = row(p[1]);
      const c = col(p[0]);
      grid[r][c] = grid[r][c] === ' ' || grid[r][c] === s.marker ? s.marker : '*';
    }

  const value = (r: number) => {
    const t = y0 + ((height - 1 - r) / (height - 1)) * (y1 - y0);
    return formatNumber(yLog ? Math.pow(10, t) : t, 3);
  };
  const labelled = new Set([0, Math.round((height - 1) / 2), height - 1]);
  const labels = grid.map((_, r) => (labelled.has(r) ? value(r) : ''));
  const pad = Math.max(...labels.map((l) => l.length));
  const lines = [`${chart.yLabel}${yLog ? ' (log scale)' : ''}`];
  grid.forEach((cells, r) => lines.push(`${labels[r].padStart(pad)} ${labelled.has(r) ? '┤' : '│'}${cells.join('').trimEnd()}`));
  const axis = Array.from({ length: width }, () => '─');
  const ticks = [...new Set([x0, (x0 + x1) / 2, x1].map((x) => col(x)))];
  for (const c of ticks) axis[c] = '┬';
  lines.push(`${' '.repeat(pad)} └${axis.join('')}`);
  const tickLine = Array.from({ length: width + 8 }, () => ' ');
  for (const x of [x0, (x0 + x1) / 2, x1]) {
    const text = formatNumber(Number.isInteger(x) ? x : Math.round(x * 10) / 10, 4);
    const start = Math.min(Math.max(0, col(x) - Math.floor(text.length / 2)), width + 8 - text.length);
    for (let i = 0; i < text.length; i++) tickLine[start + i] = text[i];
  }
  lines.push(`${' '.repeat(pad + 2)}${tickLine.join('').trimEnd()}  ${chart.xLabel}`);
  const legend = chart.series.map((s) => `${s.marker} ${s.name}`);
  if (lines.some((l) => l.includes('*'))) legend.push('* several at one place');
  // the legend wrapped at about 80 columns
  let current = '';
  for (const item of legend) {
    if (current && current.length + 3 + item.length > 80) {
      lines.push(current);
      current = item;
    } else current = current ? `${current}   ${item}` : item;
  }
  if (current) lines.push(current);
  return lines;
}

const MARKERS: Record<string, string> = {
  deterministic: 'd',
  shuffle: 's',
  'persistent-shuffle': 'p',
  poisson: 'P',
  'balls-and-bins': 'b',
};
const KIND_WORD: Record<string, string> = { upper: 'upper bound', lower: 'lower bound', exact: 'exact', estimate: 'estimate' };

/** eps against epochs for each sampler (`compare --plot`). */
export function samplerChart(
  curves: {
    readonly epochs: readonly number[];
    readonly series: readonly {
      readonly sampler: string;
      readonly figures: readonly { readonly value: number; readonly kind: string }[];
    }[];
  },
  delta: number,
): string[] {
  const used = new Set<string>();
  const series = curves.series.map((s, i) => {
    let marker = MARKERS[s.sampler] ?? String(i + 1);
    if (used.has(marker)) marker = String(i + 1);
    used.add(marker);
    return {
      name: `${s.sampler} (${KIND_WORD[s.figures[0]?.kind ?? ''] ?? ''})`,
      marker,
      points: s.figures.map((f, j) => [curves.epochs[j], f.value] as const),
    };
  });
  return textChart({ series, xLabel: 'epochs', yLabel: `epsilon at delta = ${formatNumber(delta)}` });
}
