/**
 * A privacy report as one self-contained HTML page (`dpacct report --format html`): inline CSS, plots as
 * inline SVG (./svgChart.ts), no script and nothing fetched (a Content-Security-Policy forbids it), so the
 * file opens offline and prints as it shows.
 */
import type { PrivacyReport, ReportFigure } from '../result.js';
import { formatInput, formatNumber } from './numbers.js';
import { boundsText, figureText, guaranteeSentence, KIND_NAME, settingLines, stageWords } from './reportText.js';
import { escapeXml, lineChart, type ChartSeries } from './svgChart.js';

const esc = escapeXml;

const STYLE = `
:root { color-scheme: light; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1d1d1f; background: #fff; margin: 0; }
main { max-width: 960px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid #ddd; }
.description { color: #555; margin: 0 0 16px; }
.guarantee { font-size: 17px; background: #f3f7fc; border-left: 4px solid #1f77b4; padding: 12px 16px; margin: 16px 0; }
.guarantee.lower, .guarantee.estimate { background: #fdf6ec; border-left-color: #ff7f0e; }
table { border-collapse: collapse; margin: 8px 0 12px; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 4px 12px 4px 0; border-bottom: 1px solid #eee; vertical-align: top; }
th { font-weight: 600; color: #444; border-bottom: 1px solid #bbb; }
td.num { white-space: nowrap; }
.kind { font-size: 12px; padding: 1px 6px; border-radius: 8px; white-space: nowrap; }
.kind.upper { background: #e3efff; color: #0b4f8a; }
.kind.exact { background: #e4f5e4; color: #1f6b1f; }
.kind.lower { background: #fdebd3; color: #8a4b00; }
.kind.estimate { background: #f0e6fa; color: #5b2c86; }
ul { padding-left: 20px; }
li { margin: 2px 0; }
.note { color: #555; font-size: 14px; }
svg.chart { display: block; max-width: 100%; height: auto; margin: 8px 0 16px; font: 13px system-ui, sans-serif; }
svg.chart .chart-title { font-size: 15px; font-weight: 600; }
svg.chart .grid { stroke: #ececec; }
svg.chart .frame { fill: none; stroke: #999; }
svg.chart .line { fill: none; stroke-width: 2; }
svg.chart .tick, svg.chart .legend { fill: #333; }
svg.chart .axis-label { fill: #333; font-size: 15px; }
.caption { margin: 12px 0 0; font-weight: 600; }
pre { background: #f6f6f6; padding: 12px; overflow-x: auto; font-size: 13px; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
.provenance td:first-child { color: #555; padding-right: 16px; }
`;

const SHORT_KIND: Record<ReportFigure['kind'], string> = {
  upper: 'upper bound',
  lower: 'lower bound',
  exact: 'exact',
  estimate: 'estimate',
};

function kindBadge(f: ReportFigure): string {
  return `<span class="kind ${f.kind}">${esc(KIND_NAME[f.kind])}</span>`;
}

export function table(head: readonly string[], rows: readonly (readonly string[])[], numeric: readonly number[] = []): string {
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  const body = rows
    .map((r) => `<tr>${r.map((c, i) => `<td${numeric.includes(i) ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

export function list(items: readonly string[], cls = ''): string {
  if (items.length === 0) return '';
  return `<ul${cls ? ` class="${cls}"` : ''}>${items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>`;
}

/** Log y when the values span more than a factor 20. */
function wantsLog(values: number[]): boolean {
  const v = values.filter((x) => Number.isFinite(x) && x > 0);
  return v.length > 1 && Math.max(...v) / Math.min(...v) > 20;
}

function epochChart(report: PrivacyReport): string {
  if (report.samplers.applicable) {
    const c = report.samplers.curves;
    const series: ChartSeries[] = c.series.map((s) => ({
      name: `${s.sampler} (${SHORT_KIND[s.figures[0]?.kind ?? 'upper']})`,
      points: s.figures.map((f, i) => [c.epochs[i], f.value] as const),
      dashed: s.figures[0]?.kind === 'lower',
    }));
    // rows computed at the last epoch only: one marker each
    for (const row of report.samplers.rows)
      if (!c.series.some((s) => s.sampler === row.sampler))
        series.push({
          name: `${row.sampler} (${SHORT_KIND[row.figure.kind]})`,
          points: [[report.samplers.setting.epochs, row.figure.value]],
          markersOnly: true,
          radius: 4,
        });
    return lineChart({
      id: 'plot-samplers',
      title: `ε against epochs per batch sampler (δ = ${formatInput(report.delta)})`,
      xLabel: 'epochs',
      yLabel: 'ε',
      yLog: wantsLog(series.flatMap((s) => s.points.map((p) => p[1]))),
      series,
    });
  }
  if (report.epochs.axis === 'none' || report.epochs.points.length === 0) return '';
  const points = report.epochs.points.map((p) => [p.x, p.figure.value] as const);
  return lineChart({
    id: 'plot-epochs',
    title: `ε after each ${report.epochs.axis === 'stages' ? 'stage' : 'epoch'} (δ = ${formatInput(report.delta)})`,
    xLabel: report.epochs.axis === 'stages' ? 'stages composed' : 'epochs',
    yLabel: 'ε',
    series: [{ name: `this run (${SHORT_KIND[report.headline.kind]})`, points, dashed: report.epochs.points[0]?.figure.kind === 'lower' }],
  });
}

function profileChart(report: PrivacyReport): string {
  const pts = report.profile.points;
  const series: ChartSeries[] = [
    {
      name: `δ (${SHORT_KIND[pts[0]?.figure.kind ?? 'upper']})`,
      points: pts.map((p) => [p.epsilon, p.figure.value] as const),
      dashed: pts[0]?.figure.kind === 'lower',
    },
  ];
  const lower = pts.filter((p) => p.figure.kind !== 'lower' && p.figure.lower !== undefined && p.figure.lower > 0);
  if (lower.length > 1)
    series.push({ name: 'δ (certified lower bound)', points: lower.map((p) => [p.epsilon, p.figure.lower!] as const), dashed: true });
  return lineChart({
    id: 'plot-profile',
    title: 'Privacy profile δ(ε), log axes',
    xLabel: 'ε',
    yLabel: 'δ',
    xLog: true,
    yLog: true,
    series,
  });
}

export function reportHtml(report: PrivacyReport): string {
  const h = report.headline;
  const d = formatInput(report.delta);
  const body: string[] = [];
  body.push(`<h1>Privacy report: ${esc(report.title)}</h1>`);
  if (report.description) body.push(`<p class="description">${esc(report.description)}</p>`);

  body.push('<h2>Guarantee</h2>', `<p class="guarantee ${h.kind}" id="guarantee">${esc(guaranteeSentence(report))}</p>`);
  const bounds = boundsText(h);
  if (bounds) body.push(`<p>Other certified bounds on ${h.quantity === 'epsilon' ? 'ε' : 'δ'}: ${esc(bounds)}.</p>`);

  body.push('<h2>Assumptions and settings</h2>', list([...settingLines(report), ...report.assumptions]));
  body.push(
    table(
      ['stage', 'mechanism', 'sampler', 'steps'],
      report.stages.map((s) => Object.values(stageWords(s)).map(esc)),
      [3],
    ),
  );

  body.push(`<h2>ε per batch sampler (δ = ${esc(d)})</h2>`);
  if (report.samplers.applicable) {
    const s = report.samplers;
    body.push(
      `<p>The same run for every sampler: noise multiplier ${esc(formatInput(s.setting.noiseMultiplier))}, T = ${s.setting.stepsPerEpoch} batches per epoch, E = ${s.setting.epochs} epochs.</p>`,
    );
    body.push(
      table(
        ['sampler', 'ε', 'kind', 'other bounds', 'vs Poisson', 'note'],
        s.rows.map((r) => [
          esc(r.sampler),
          esc(figureText(r.figure)),
          kindBadge(r.figure),
          esc(boundsText(r.figure) || '–'),
          r.ratioToPoisson !== undefined ? `×${esc(formatNumber(r.ratioToPoisson, 3))}` : '–',
          `<span class="note">${esc(r.notes[0] ?? '')}</span>`,
        ]),
        [1, 4],
      ),
    );
    body.push(list(s.notes, 'note'));
  } else body.push(`<p class="note">Not applicable: ${esc(report.samplers.reason)}.</p>`);

  const per = report.epochs.axis === 'stages' ? 'stage' : 'epoch';
  body.push(`<h2>ε after each ${per} (δ = ${esc(d)})</h2>`);
  body.push(epochChart(report));
  if (report.epochs.axis === 'none') body.push(`<p class="note">This run: not computed: ${esc(report.epochs.reason)}.</p>`);
  else
    body.push(
      `<p class="caption">This run, as the spec describes it:</p>`,
      table(
        ['after', 'steps', 'ε', 'kind'],
        report.epochs.points.map((p) => [esc(p.label), String(p.steps), esc(figureText(p.figure)), kindBadge(p.figure)]),
        [1, 2],
      ),
    );

  body.push('<h2>Privacy profile δ(ε)</h2>', profileChart(report));
  body.push(
    table(
      ['ε', 'δ', 'kind', 'other bounds'],
      report.profile.points.map((p) => [
        esc(formatInput(p.epsilon)),
        esc(figureText(p.figure)),
        kindBadge(p.figure),
        esc(boundsText(p.figure) || '–'),
      ]),
      [0, 1],
    ),
  );
  body.push(list(report.profile.notes, 'note'));

  body.push('<h2>Costliest stage</h2>');
  body.push(
    `<p><strong>${esc(report.costliest.label)}</strong>: ε ${esc(figureText(report.costliest.figure))} on its own at δ = ${esc(d)} (${esc(KIND_NAME[report.costliest.figure.kind])}).</p>`,
  );
  if (report.costliest.stages.length > 1)
    body.push(
      table(
        ['stage', 'ε alone', 'kind'],
        report.costliest.stages.map((s) => [esc(s.label), esc(figureText(s.figure)), kindBadge(s.figure)]),
        [1],
      ),
    );

  body.push('<h2>Provenance</h2>');
  body.push(
    `<table class="provenance"><tbody>` +
      `<tr><td>dpacct</td><td>${esc(report.version)}</td></tr>` +
      `<tr><td>generated</td><td>${esc(report.generatedAt)}</td></tr>` +
      `<tr><td>spec</td><td>${esc(report.spec.source)}</td></tr>` +
      `<tr><td>SHA-256</td><td><code>${esc(report.spec.sha256)}</code></td></tr>` +
      `</tbody></table>`,
  );
  body.push(`<pre><code>${esc(report.spec.text)}</code></pre>`);

  return htmlPage(`Privacy report: ${report.title}`, body.filter(Boolean).join('\n'), report.version);
}

/** A self-contained page: inline style, no script, a CSP that forbids loading anything. `body` is HTML. */
export function htmlPage(title: string, body: string, version: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="dpacct ${esc(version)}">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}
