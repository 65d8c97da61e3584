/**
 * Words and figures shared by the report renderers (Markdown, HTML): the guarantee in one sentence, a
 * figure with its relation sign, kind names. Plain Unicode text; each renderer escapes it for its format.
 */
import type { BoundKind, PrivacyReport, ReportFigure } from '../result.js';
import { formatFigure, formatInput, formatNumber } from './numbers.js';

export const RELATION_SIGN: Record<BoundKind, string> = { upper: '≤', lower: '≥', exact: '=', estimate: '≈' };

export const KIND_NAME: Record<BoundKind, string> = {
  upper: 'certified upper bound',
  lower: 'certified lower bound',
  exact: 'exact',
  estimate: 'Monte Carlo estimate',
};

/** `≤ 2.3828`, `infinite` (rounded in the figure's safe direction). */
export function figureText(f: ReportFigure): string {
  if (f.value === Infinity) return 'infinite';
  return `${RELATION_SIGN[f.kind]} ${formatFigure(f.value, f.kind)}`;
}

/** The figure's value alone, rounded in its safe direction. */
export function valueText(f: ReportFigure): string {
  return formatFigure(f.value, f.kind);
}

/** The other certified bounds of a figure, e.g. `certified ≥ 2.2659`. */
export function boundsText(f: ReportFigure): string {
  if (f.kind === 'exact') return '';
  const parts: string[] = [];
  if (f.kind !== 'lower' && f.lower !== undefined && f.lower > 0 && f.lower !== f.value) parts.push(`≥ ${formatFigure(f.lower, 'lower')}`);
  if (f.kind !== 'upper' && f.upper !== undefined && f.upper !== f.value) parts.push(`≤ ${formatFigure(f.upper, 'upper')}`);
  return parts.join(', ');
}

const SAMPLER_WORDS: Record<string, string> = {
  poisson: 'Poisson sampling',
  deterministic: 'deterministic (fixed) batches',
  shuffle: 'shuffled batches (a fresh permutation every epoch)',
  'persistent-shuffle': 'shuffled batches (one permutation for all epochs)',
  'balls-and-bins': 'balls-and-bins batches',
  none: 'no subsampling',
};

export function samplerWords(sampler: string): string {
  return SAMPLER_WORDS[sampler] ?? sampler;
}

function stageSamplers(report: PrivacyReport): string {
  const samplers = [...new Set(report.stages.map((s) => String(s.sampler ?? 'none')))];
  const words = samplers.map(samplerWords).join(' and ');
  return report.stages.length === 1 ? `with ${words}` : `over ${report.stages.length} composed stages (${words})`;
}

function accountantWords(report: PrivacyReport): string {
  const a = report.accountant;
  const settings = Object.entries(a.settings)
    .filter(([k]) => k !== 'adjacency')
    .map(([k, v]) => `${k} ${typeof v === 'number' ? formatInput(v) : String(v)}`);
  const name = a.name === 'pld' || a.name === 'rdp' ? a.name.toUpperCase() : a.name;
  return `${name} accountant${settings.length ? `, ${settings.join(', ')}` : ''}`;
}

/** The guarantee in one sentence: eps, delta, privacy unit, adjacency, sampler and the kind of bound. */
export function guaranteeSentence(report: PrivacyReport): string {
  const h = report.headline;
  const inputs = h.inputs as Record<string, unknown>;
  const unit = `per ${String(inputs.privacyUnit ?? 'example')}`;
  const adjacency = `${String(inputs.adjacency ?? 'add-remove')} adjacency`;
  const how = `${unit}, under ${adjacency}, ${stageSamplers(report)}`;
  const figure = figureOf(h);
  const confidence =
    h.kind === 'estimate' && typeof h.details?.confidence === 'number'
      ? ` holding with probability at least ${h.details.confidence} over the sampling`
      : '';
  const kind = `${h.quantity === 'epsilon' ? 'ε' : 'δ'} is a ${KIND_NAME[h.kind]}${confidence}`;
  const caveat =
    h.kind === 'lower'
      ? ' (the true value may be larger; no upper bound is known for this sampler)'
      : h.kind === 'estimate'
        ? ' (not a certified bound)'
        : '';
  if (h.quantity === 'epsilon') {
    const delta = formatInput(inputs.delta as number);
    if (h.value === Infinity) return `No finite ε holds at δ = ${delta} ${how} (${accountantWords(report)}).`;
    return `The release is (ε, δ)-differentially private with ε ${figureText(figure)} at δ = ${delta}, ${how}; ${kind}${caveat} (${accountantWords(report)}).`;
  }
  const epsilon = formatInput(inputs.epsilon as number);
  return `The release is (ε, δ)-differentially private at ε = ${epsilon} with δ ${figureText(figure)}, ${how}; ${kind}${caveat} (${accountantWords(report)}).`;
}

function figureOf(h: PrivacyReport['headline']): ReportFigure {
  return {
    value: h.value,
    kind: h.kind,
    ...(h.lower !== undefined ? { lower: h.lower } : {}),
    ...(h.upper !== undefined ? { upper: h.upper } : {}),
  };
}

/** Settings as `name: value` lines: accountant, discretization, Monte Carlo, precision. */
export function settingLines(report: PrivacyReport): string[] {
  const lines = [`Accountant: ${accountantWords(report)}.`];
  const pld = report.accountant.name === 'pld' || report.accountant.name.includes('lower bound');
  if (pld && typeof report.accountant.settings.discretization === 'number')
    lines.push(
      `Discretization: PLD grid interval ${formatInput(report.accountant.settings.discretization)} (pessimistic connect-the-dots; truncated tail mass and float rounding are booked against the guarantee).`,
    );
  if (pld && typeof report.accountant.settings.precision === 'number')
    lines.push(
      `Precision: PLD grid refined until (upper - lower) / upper <= ${formatInput(report.accountant.settings.precision)} or the work bound (pessimistic connect-the-dots for the upper bound, an optimistic twin for the lower; truncated tail mass and float rounding are booked against each).`,
    );
  if (report.monteCarlo)
    lines.push(
      `Monte Carlo (balls-and-bins): ${report.monteCarlo.samples} samples per direction, seed ${report.monteCarlo.seed}, confidence ${report.monteCarlo.confidence} (one-sided).`,
    );
  lines.push(`Per-sampler, per-epoch and per-stage epsilons at δ = ${formatInput(report.delta)}.`);
  lines.push(
    `Figures are rounded in their safe direction (upper bounds up, lower bounds down) to 5 significant digits; \`dpacct verify\` accepts a relative change of at most ${formatNumber(report.precision.relative)}.`,
  );
  return lines;
}

/** A stage as one line: mechanism, sampler, steps. */
export function stageWords(s: Readonly<Record<string, unknown>>): { label: string; mechanism: string; sampler: string; steps: string } {
  const m = s.mechanism as Record<string, unknown> | undefined;
  let mechanism = '';
  if (m) {
    const params = Object.entries(m)
      .filter(([k]) => k !== 'kind')
      .map(([k, v]) => `${k} ${typeof v === 'number' ? formatInput(v) : String(v)}`);
    mechanism = `${String(m.kind)}${params.length ? ` (${params.join(', ')})` : ''}`;
  }
  const sampler = String(s.sampler ?? 'none');
  const detail =
    sampler === 'poisson'
      ? ` q = ${formatInput(s.samplingRate as number)}`
      : sampler !== 'none' && s.stepsPerEpoch !== undefined
        ? ` T = ${String(s.stepsPerEpoch)}, ${String(s.epochs)} epoch${s.epochs === 1 ? '' : 's'}`
        : '';
  return { label: String(s.label ?? ''), mechanism, sampler: `${sampler}${detail}`, steps: String(s.steps ?? '') };
}
