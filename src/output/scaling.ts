/**
 * Output of `dpacct scaling ...`: a short table for terminals, one JSON object with self-explaining names for
 * machines. A sufficient noise multiplier is printed rounded UP (a value rounded down might miss the target); JSON
 * carries the full value.
 */
import type {
  AccountingResult,
  ScalingConfiguration,
  ScalingEvalResult,
  ScalingNoiseResult,
  ScalingOptimizeResult,
  ScalingSaturateResult,
  ScalingUnitsResult,
} from '../result.js';
import { OUTPUT_SCHEMA_VERSION, VERSION } from '../version.js';
import { formatFigure, formatNumber, roundSignificant } from './numbers.js';
import type { Style } from './style.js';
import { alignColumns } from './table.js';

function header(command: string): Record<string, unknown> {
  return { schemaVersion: OUTPUT_SCHEMA_VERSION, version: VERSION, command: `scaling ${command}` };
}

function accountingJson(r: AccountingResult): Record<string, unknown> {
  return {
    epsilon: Number.isFinite(r.value) ? r.value : null,
    kind: r.kind,
    ...(r.lower !== undefined ? { lower: r.lower } : {}),
    ...(r.upper !== undefined ? { upper: r.upper } : {}),
    accountant: r.accountant,
  };
}

const sigmaText = (sigma: number, guarantee: 'sufficient' | 'necessary') =>
  formatNumber(roundSignificant(sigma, 5, guarantee === 'sufficient' ? 'up' : 'down'));

const n = (x: number | undefined, digits = 4) => (x === undefined ? '-' : formatNumber(x, digits));

function accountingLine(r: AccountingResult): string {
  return `accounting: epsilon ${r.kind === 'lower' ? '>=' : r.kind === 'upper' ? '<=' : '='} ${formatFigure(r.value, r.kind)} (${r.kind}) by ${r.accountant.name}`;
}

function notesText(notes: readonly string[], style: Style): string {
  return notes.length ? '\n' + notes.map((s) => style.chalk.dim(`note: ${s}`)).join('\n') + '\n' : '';
}

// ------------------------------------------------------------------------------------------------ noise

export function scalingNoiseJson(r: ScalingNoiseResult): Record<string, unknown> {
  const { accounting, notes, ...fields } = r;
  return { ...header('noise'), ...fields, accounting: accountingJson(accounting), notes };
}

export function scalingNoiseTable(r: ScalingNoiseResult, style: Style): string {
  const rows: string[][] = [
    [
      'noise multiplier',
      `${sigmaText(r.noiseMultiplier, r.guarantee)}  (${r.guarantee}: ${r.guarantee === 'sufficient' ? 'meets' : 'any smaller one fails'} epsilon <= ${n(r.epsilon)} at delta = ${n(r.delta)})`,
    ],
    ['noise-batch ratio', `${n(r.noiseBatchRatio)}  (sigma / B)`],
    ['sampling rate', `${n(r.samplingRate)}  (B / N, ${r.sampler} sampling)`],
    ['epochs', `${n(r.epochs)}  (B T / N)`],
  ];
  if (r.unamplifiedNoiseMultiplier !== undefined)
    rows.push(['unamplified sigma', `${n(r.unamplifiedNoiseMultiplier)}  (deterministic batches, for comparison)`]);
  if (r.tokens !== undefined) rows.push(['tokens', `${n(r.tokens)}  (B S T)`]);
  if (r.computeFlops !== undefined) rows.push(['compute', `${n(r.computeFlops)} FLOPs  (6 M B S T)`]);
  if (r.tokensPerParameter !== undefined) rows.push(['tokens per parameter', n(r.tokensPerParameter)]);
  return (
    style.chalk.bold(`N = ${n(r.units)} units, B = ${n(r.batchSize)}, T = ${n(r.steps)} steps`) +
    '\n' +
    alignColumns(rows).join('\n') +
    '\n' +
    accountingLine(r.accounting) +
    '\n' +
    notesText(r.notes, style)
  );
}

export function scalingUnitsJson(r: ScalingUnitsResult): Record<string, unknown> {
  const { accounting, notes, ...fields } = r;
  return { ...header('noise'), ...fields, accounting: accountingJson(accounting), notes };
}

export function scalingUnitsTable(r: ScalingUnitsResult, style: Style): string {
  const rows: string[][] = [
    ['units needed', `${n(r.units, 6)}  (smallest N with epsilon <= ${n(r.epsilon)} at delta = ${n(r.delta)})`],
    ['sampling rate', `${n(r.samplingRate)}  (B / N, Poisson sampling)`],
    ['epochs', `${n(r.epochs)}  (B T / N)`],
  ];
  if (r.tokensInUnits !== undefined) rows.push(['tokens in the units', `${n(r.tokensInUnits)}  (N S)`]);
  return (
    style.chalk.bold(`sigma = ${n(r.noiseMultiplier)}, B = ${n(r.batchSize)}, T = ${n(r.steps)} steps`) +
    '\n' +
    alignColumns(rows).join('\n') +
    '\n' +
    accountingLine(r.accounting) +
    '\n' +
    notesText(r.notes, style)
  );
}

// ------------------------------------------------------------------------------------------------ configurations

function configurationRow(c: ScalingConfiguration): string[] {
  return [
    n(c.modelSize, 3),
    n(c.batchSize, 6),
    n(c.steps, 6),
    sigmaText(c.noiseMultiplier, 'sufficient'),
    n(c.noiseBatchRatio, 3),
    c.loss === undefined ? 'outside domain' : n(c.loss),
    n(c.tokensPerParameter, 3),
    n(c.epochs, 3),
  ];
}

const CONFIGURATION_HEADER = ['model size', 'batch', 'steps', 'sigma', 'sigma/B', 'loss', 'tokens/param', 'epochs'];

export function scalingOptimizeJson(r: ScalingOptimizeResult): Record<string, unknown> {
  const { best, notes, ...rest } = r;
  return { ...header('optimize'), ...best, best, ...rest, notes };
}

export function scalingOptimizeTable(r: ScalingOptimizeResult, style: Style): string {
  const b = r.band;
  const lines = [
    style.chalk.bold(
      `best configuration for ${n(r.flops)} FLOPs, N = ${n(r.units)} units, epsilon = ${n(r.epsilon)}, delta = ${n(r.delta)}`,
    ),
    ...alignColumns([CONFIGURATION_HEADER, ...r.candidates.map(configurationRow)]).map((l, i) => (i === 1 ? style.chalk.bold(l) : l)),
    `near-optimal band (loss within ${formatNumber(100 * b.tolerance)}% of the search's best): ${b.count} configurations, ` +
      `model size ${n(b.modelSize.min, 3)}..${n(b.modelSize.max, 3)}, batch ${n(b.batchSize.min, 3)}..${n(b.batchSize.max, 3)}, steps ${n(b.steps.min, 3)}..${n(b.steps.max, 3)}`,
    `non-private compute-optimal model size at this compute: about ${n(r.nonPrivateModelSize, 2)} parameters`,
    `search: ${r.search.modelSizes} model sizes x ${r.search.batchSizes} batch sizes, ${r.search.ranked} inside the loss model's domain, ` +
      `${r.search.gridCalibrations} grid calibrations (${r.search.gridAccountant}), ${r.search.seconds.toFixed(1)} s; loss model ${r.lossModel}; sigma: ${r.sampler} sampling, ${r.accountant}`,
  ];
  return lines.join('\n') + '\n' + notesText(r.notes, style);
}

export function scalingSaturateJson(r: ScalingSaturateResult): Record<string, unknown> {
  const { best, notes, ...rest } = r;
  return { ...header('saturate'), ...rest, best, notes };
}

export function scalingSaturateTable(r: ScalingSaturateResult, style: Style): string {
  return (
    style.chalk.bold(
      `saturating compute: ${n(r.saturatingFlops, 3)} FLOPs (N = ${n(r.units)} units, epsilon = ${n(r.epsilon)}, delta = ${n(r.delta)})`,
    ) +
    '\n' +
    `beyond it the best loss improves by less than ${formatNumber(100 * r.tolerance)}% (best loss at any compute: ${n(r.bestLossAnyCompute)})\n` +
    alignColumns([CONFIGURATION_HEADER, configurationRow(r.best)]).join('\n') +
    '\n' +
    notesText(r.notes, style)
  );
}

export function scalingEvalJson(r: ScalingEvalResult): Record<string, unknown> {
  const { configuration, notes, ...rest } = r;
  return { ...header('eval'), ...configuration, ...rest, notes };
}

export function scalingEvalTable(r: ScalingEvalResult, style: Style): string {
  const c = r.configuration;
  return (
    style.chalk.bold(`N = ${n(r.units)} units, epsilon = ${n(r.epsilon)}, delta = ${n(r.delta)}, ${n(c.computeFlops, 3)} FLOPs`) +
    '\n' +
    alignColumns([CONFIGURATION_HEADER, configurationRow(c)]).join('\n') +
    '\n' +
    `sigma is ${r.guarantee} (${r.sampler} sampling, ${r.accountant}); loss model ${r.lossModel}\n` +
    notesText(r.notes, style)
  );
}
