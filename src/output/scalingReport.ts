/**
 * The scaling report as self-contained HTML or Markdown (`dpacct scaling optimize --report FILE`): the best
 * predicted loss against compute (log axis) with the best configurations at the asked budget and the
 * saturating compute marked, the configurations, and what the figures rest on.
 */
import type { ScalingConfiguration, ScalingReport } from '../result.js';
import { formatInput, formatNumber } from './numbers.js';
import { htmlPage, list, table } from './reportHtml.js';
import { escapeXml as esc, lineChart, type ChartSeries } from './svgChart.js';

const n3 = (x: number) => formatNumber(x, 3);

function title(r: ScalingReport): string {
  const o = r.optimize;
  return `Scaling report: ε = ${formatInput(o.epsilon)}, δ = ${formatInput(o.delta)}, N = ${n3(o.units)} units`;
}

function summary(r: ScalingReport): string[] {
  const o = r.optimize;
  const s = r.saturate;
  const b = o.best;
  return [
    `At ${n3(o.flops)} FLOPs the best configuration is a ${n3(b.modelSize)}-parameter model trained for ${b.steps} steps at batch size ${n3(b.batchSize)} ` +
      `(noise multiplier σ = ${formatNumber(b.noiseMultiplier, 4)}, σ/B = ${n3(b.noiseBatchRatio)}), predicted loss ${b.loss !== undefined ? formatNumber(b.loss, 4) : 'outside the loss model'}.`,
    `Saturating compute: about ${n3(s.saturatingFlops)} FLOPs. Beyond it the best predicted loss improves by less than ${formatNumber(100 * s.tolerance)}% ` +
      `(the best over all budgets searched is ${formatNumber(s.bestLossAnyCompute, 4)}): at this privacy budget and data size, more compute hardly helps.`,
    `Without privacy, the compute-optimal model at ${n3(o.flops)} FLOPs would have about ${n3(o.nonPrivateModelSize)} parameters.`,
  ];
}

function settings(r: ScalingReport): string[] {
  const o = r.optimize;
  return [
    `Privacy budget (ε, δ) = (${formatInput(o.epsilon)}, ${formatInput(o.delta)}) over N = ${n3(o.units)} privacy units; ${o.sampler} sampling; σ calibrated with the ${o.accountant} accountant.`,
    `Loss model: ${o.lossModel}; sequence length ${o.seqLen}; compute C = 6 M B S T.`,
    `Search: ${o.search.modelSizes} model sizes × ${o.search.batchSizes} batch sizes, ${o.search.ranked} inside the loss model's domain, ${o.search.gridCalibrations} calibrations on the grid (${o.search.gridAccountant}).`,
  ];
}

const HEAD = ['model size', 'batch', 'steps', 'σ', 'σ/B', 'loss', 'tokens/param', 'epochs', 'σ from'];

function row(c: ScalingConfiguration): string[] {
  return [
    n3(c.modelSize),
    n3(c.batchSize),
    String(c.steps),
    formatNumber(c.noiseMultiplier, 4),
    n3(c.noiseBatchRatio),
    c.loss !== undefined ? formatNumber(c.loss, 4) : '–',
    n3(c.tokensPerParameter),
    n3(c.epochs),
    c.noiseSource,
  ];
}

function chart(r: ScalingReport): string {
  const curve = r.saturate.curve.filter((p) => p.loss !== undefined).map((p) => [p.flops, p.loss!] as const);
  const losses = curve.map((p) => p[1]);
  const lo = Math.min(...losses);
  const hi = Math.max(...losses);
  const series: ChartSeries[] = [
    { name: 'best loss per budget', points: curve },
    {
      name: 'best configurations here',
      points: r.optimize.candidates.filter((c) => c.loss !== undefined).map((c) => [c.computeFlops, c.loss!] as const),
      markersOnly: true,
      radius: 4.5,
    },
    {
      name: 'saturating compute',
      points: [
        [r.saturate.saturatingFlops, lo],
        [r.saturate.saturatingFlops, hi],
      ],
      dashed: true,
    },
    {
      name: 'asked budget',
      points: [
        [r.optimize.flops, lo],
        [r.optimize.flops, hi],
      ],
      dashed: true,
    },
  ];
  return lineChart({
    id: 'plot-scaling',
    title: 'Best predicted loss against compute',
    xLabel: 'compute (FLOPs)',
    yLabel: 'predicted loss',
    xLog: true,
    yFromZero: false,
    series,
  });
}

export function scalingReportHtml(r: ScalingReport): string {
  const o = r.optimize;
  const body = [
    `<h1>${esc(title(r))}</h1>`,
    `<p class="guarantee" id="guarantee">${esc(summary(r)[0])}</p>`,
    `<p>${esc(summary(r)[1])}</p>`,
    `<p>${esc(summary(r)[2])}</p>`,
    '<h2>Loss against compute</h2>',
    chart(r),
    `<h2>Best configurations at ${esc(n3(o.flops))} FLOPs</h2>`,
    table(
      HEAD,
      o.candidates.map((c) => row(c).map(esc)),
      [0, 1, 2, 3, 4, 5, 6, 7],
    ),
    `<p>Near-optimal band (loss within ${esc(formatNumber(100 * o.band.tolerance))}% of the search's best): ${o.band.count} configurations, model size ${esc(n3(o.band.modelSize.min))}–${esc(n3(o.band.modelSize.max))}, batch ${esc(n3(o.band.batchSize.min))}–${esc(n3(o.band.batchSize.max))}, steps ${o.band.steps.min}–${o.band.steps.max}.</p>`,
    '<h2>Assumptions and settings</h2>',
    list([...settings(r), ...new Set([...o.notes, ...r.saturate.notes])]),
    '<h2>Provenance</h2>',
    `<table class="provenance"><tbody><tr><td>dpacct</td><td>${esc(r.version)}</td></tr><tr><td>generated</td><td>${esc(r.generatedAt)}</td></tr></tbody></table>`,
  ];
  return htmlPage(title(r), body.join('\n'), r.version);
}

export function scalingReportMarkdown(r: ScalingReport): string {
  const o = r.optimize;
  const md = (rows: readonly (readonly string[])[]) => rows.map((x) => `| ${x.join(' | ')} |`);
  const out = [`# ${title(r)}`, '', ...summary(r).flatMap((s) => [s, '']), `## Best configurations at ${n3(o.flops)} FLOPs`, ''];
  out.push(...md([HEAD, HEAD.map(() => '---'), ...o.candidates.map(row)]), '');
  out.push(
    '## Best loss against compute',
    '',
    ...md([
      ['compute (FLOPs)', 'best loss'],
      ['---', '---'],
      ...r.saturate.curve.map((p) => [n3(p.flops), p.loss !== undefined ? formatNumber(p.loss, 4) : 'outside the loss model']),
    ]),
    '',
  );
  out.push(`Saturating compute: ${n3(r.saturate.saturatingFlops)} FLOPs.`, '');
  out.push('## Assumptions and settings', '', ...[...settings(r), ...new Set([...o.notes, ...r.saturate.notes])].map((s) => `- ${s}`), '');
  out.push('## Provenance', '', `- dpacct ${r.version}`, `- generated ${r.generatedAt}`, '');
  return out.join('\n');
}
