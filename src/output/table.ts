/**
 * Human output: a few aligned lines per result. Every figure says its kind in words; bounds are
 * rounded in their safe direction (src/output/numbers.ts); an infinite epsilon is said in words.
 */
import type { Mechanism } from '../mechanism.js';
import type { AccountingResult, BoundKind, BudgetReport, CalibrationReport, ComparisonReport, DeltaCurveReport } from '../result.js';
import { formatFigure, formatInput } from './numbers.js';
import type { Style } from './style.js';

const KIND_WORDS: Record<BoundKind, string> = {
  upper: 'upper bound (certified: the true value is not larger)',
  lower: 'lower bound (certified: the true value is not smaller)',
  exact: 'exact (closed form)',
  estimate: 'estimate (Monte Carlo, not a certified bound; see the note on its confidence)',
};

const RELATION: Record<BoundKind, string> = { upper: '<=', lower: '>=', exact: '=', estimate: '~' };

/** Rows of cells -> lines with columns padded to the widest cell. */
export function alignColumns(rows: readonly (readonly string[])[], gap = 2): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, visibleLength(cell))));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i] - visibleLength(cell) + gap)))
      .join('')
      .trimEnd(),
  );
}

function visibleLength(s: string): number {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u001b\[[0-9;]*m/g, '').length;
}

export function describeMechanism(m: Mechanism): string {
  switch (m.kind) {
    case 'gaussian':
      return `gaussian sigma ${formatInput(m.noiseMultiplier)}${m.sensitivity !== undefined ? ` sens ${formatInput(m.sensitivity)}` : ''}`;
    case 'laplace':
      return `laplace scale ${formatInput(m.scale)}${m.sensitivity !== undefined ? ` sens ${formatInput(m.sensitivity)}` : ''}`;
    case 'randomized-response':
      return `randomized response k=${m.categories} ${m.noiseParameter !== undefined ? `p=${formatInput(m.noiseParameter)}` : `eps=${formatInput(m.epsilon!)}`}`;
    case 'eps-delta':
      return `(${formatInput(m.epsilon)}, ${formatInput(m.delta)})-DP step`;
    case 'discrete-laplace':
      return `discrete laplace a ${formatInput(m.parameter)}${m.sensitivity !== undefined ? ` sens ${formatInput(m.sensitivity)}` : ''}`;
    case 'discrete-gaussian':
      return `discrete gaussian sigma ${formatInput(m.sigma)}${m.sensitivity !== undefined ? ` sens ${formatInput(m.sensitivity)}` : ''}`;
    case 'mixture-of-gaussians':
      return `mixture of gaussians sigma ${formatInput(m.noiseMultiplier)} sens [${m.sensitivities.map(formatInput).join(', ')}] p [${m.probabilities.map(formatInput).join(', ')}]`;
    case 'exponential':
      return `exponential mechanism eps ${formatInput(m.epsilon)}`;
    case 'permute-and-flip':
      return `permute-and-flip eps ${formatInput(m.epsilon)}`;
    case 'tree-aggregation':
      return `tree aggregation sigma ${formatInput(m.noiseMultiplier)} steps ${typeof m.stepCounts === 'number' ? m.stepCounts : `[${m.stepCounts.join(', ')}]`}`;
    case 'zcdp':
      return `${m.xi ? `(${formatInput(m.xi)}, ${formatInput(m.rho)})` : formatInput(m.rho)}-zCDP step`;
  }
}

interface StageView {
  label?: string;
  mechanism?: Mechanism;
  sampler?: string;
  samplingRate?: number;
  stepsPerEpoch?: number;
  epochs?: number;
  steps?: number;
}

function describeSampler(s: StageView): string {
  if (!s.sampler || s.sampler === 'none') return 'none (full data)';
  if (s.sampler === 'poisson') return `poisson q=${formatInput(s.samplingRate ?? NaN)}`;
  if (s.sampler === 'truncated-poisson') return `truncated poisson q=${formatInput(s.samplingRate ?? NaN)}`;
  if (s.sampler === 'fixed-size') return `fixed-size ${s.steps} steps`;
  return `${s.sampler} T=${s.stepsPerEpoch}, ${s.epochs} epoch${s.epochs === 1 ? '' : 's'}`;
}

function stageTable(inputs: Readonly<Record<string, unknown>>, style: Style): string[] {
  const stages = (inputs.stages as StageView[] | undefined) ?? [];
  if (stages.length === 0) return [];
  const head = ['stage', 'mechanism', 'sampler', 'steps'].map((h) => style.chalk.dim(h));
  const rows = stages.map((s) => [
    s.label ?? '',
    s.mechanism ? describeMechanism(s.mechanism) : '',
    describeSampler(s),
    String(s.steps ?? ''),
  ]);
  return alignColumns([head, ...rows]).map((l) => '  ' + l);
}

function contextLine(r: AccountingResult): string {
  const inputs = r.inputs as Record<string, unknown>;
  const at =
    r.quantity === 'epsilon' ? `delta = ${formatInput(inputs.delta as number)}` : `epsilon = ${formatInput(inputs.epsilon as number)}`;
  const unit = inputs.privacyUnit ? `, per ${inputs.privacyUnit}` : '';
  const adjacency = inputs.adjacency ? `, ${inputs.adjacency} adjacency` : '';
  return `at ${at}${unit}${adjacency}`;
}

function accountantLine(r: AccountingResult): string {
  const settings = Object.entries(r.accountant.settings)
    .filter(([k]) => k !== 'adjacency')
    .map(([k, v]) => `${k} ${typeof v === 'number' ? formatInput(v) : String(v)}`);
  return `accountant: ${r.accountant.name}${settings.length ? ` (${settings.join(', ')})` : ''}`;
}

/** The headline lines: `epsilon <= 2.9124  upper bound (...)`, then the other known bound. */
function figureLines(r: AccountingResult, style: Style): string[] {
  const name = r.quantity;
  if (r.value === Infinity) return [style.chalk.bold.red(`${name} is infinite`) + ': no finite epsilon guarantee at this delta'];
  const rows: string[][] = [
    [style.chalk.bold(name), RELATION[r.kind], style.chalk.bold(formatFigure(r.value, r.kind)), KIND_WORDS[r.kind]],
  ];
  if (r.kind === 'upper' && r.lower !== undefined && r.lower > 0)
    rows.push(['', RELATION.lower, formatFigure(r.lower, 'lower'), 'lower bound (certified)']);
  if (r.kind === 'lower' && r.upper !== undefined)
    rows.push(['', RELATION.upper, r.upper === Infinity ? 'infinite' : formatFigure(r.upper, 'upper'), 'upper bound (certified)']);
  if (r.kind === 'estimate') {
    if (r.upper !== undefined) rows.push(['', RELATION.upper, formatFigure(r.upper, 'upper'), 'upper bound (certified)']);
    if (r.lower !== undefined) rows.push(['', RELATION.lower, formatFigure(r.lower, 'lower'), 'lower bound (certified)']);
  }
  return alignColumns(rows, 1);
}

function noteLines(notes: readonly string[] | undefined, style: Style): string[] {
  return (notes ?? []).map((n) => style.chalk.yellow('note: ') + n);
}

export function resultTable(r: AccountingResult, style: Style): string {
  const lines = [...figureLines(r, style), contextLine(r), accountantLine(r), '', ...stageTable(r.inputs, style)];
  const notes = noteLines(r.notes, style);
  if (notes.length) lines.push('', ...notes);
  return lines.join('\n') + '\n';
}

export function budgetTable(report: BudgetReport, style: Style): string {
  const r = report.result;
  const compared = report.basis === 'lower' ? (r.lower ?? r.value) : (r.upper ?? r.value);
  const shown = compared === Infinity ? 'infinite' : formatFigure(compared, report.basis);
  const relation = report.basis === 'lower' ? '>=' : '<=';
  // an exact (closed-form) figure keeps its label, as `run` prints it; rounded up, it is still an upper bound
  const what =
    report.basis === 'lower'
      ? 'certified lower bound; no upper bound is known for this sampler'
      : r.kind === 'exact'
        ? 'exact, closed form; rounded up'
        : 'certified upper bound';
  const budget = `${formatInput(report.budget.epsilon)} at delta = ${formatInput(report.budget.delta)}`;
  const lines: string[] = [];
  if (report.withinBudget) {
    lines.push(style.chalk.green.bold('within budget') + `: epsilon ${relation} ${shown} (${what}), budget ${budget}`);
    lines.push(`headroom ${formatFigure(-report.excess, 'lower')}`);
  } else {
    const by =
      report.excess === Infinity
        ? 'an infinite amount'
        : `${formatFigure(report.excess, 'lower')} (${formatFigure((100 * report.excess) / report.budget.epsilon, 'lower', 3)}%)`;
    lines.push(style.chalk.red.bold('over budget') + `: epsilon ${relation} ${shown} (${what}) exceeds the budget ${budget} by ${by}`);
    const costs = report.stageCosts ?? [];
    if (costs.length > 1) {
      const worst = costs.reduce((a, b) => (b.epsilon > a.epsilon ? b : a));
      lines.push(`costliest stage: ${worst.label}, epsilon ${RELATION[worst.kind]} ${formatFigure(worst.epsilon, worst.kind)} on its own`);
      lines.push('', `  each stage alone at delta = ${formatInput(report.budget.delta)}:`);
      lines.push(
        ...alignColumns(costs.map((c) => [c.label, `epsilon ${RELATION[c.kind]} ${formatFigure(c.epsilon, c.kind)}`])).map(
          (l) => '    ' + l,
        ),
      );
    }
  }
  lines.push(accountantLine(r), '', ...stageTable(r.inputs, style));
  const notes = noteLines(r.notes, style);
  if (notes.length) lines.push('', ...notes);
  return lines.join('\n') + '\n';
}

const PARAMETER_WORDS: Record<CalibrationReport['parameter'], string> = {
  sigma: 'noise multiplier sigma',
  steps: 'steps',
  epochs: 'epochs',
  'sampling-rate': 'sampling rate q',
  'batch-size': 'batch size',
};

const CALIBRATED_SYMBOL: Record<CalibrationReport['parameter'], string> = {
  sigma: 'sigma',
  steps: 'steps',
  epochs: 'epochs',
  'sampling-rate': 'q',
  'batch-size': 'batch size',
};
const SHORT_KIND_WORDS: Record<BoundKind, string> = {
  upper: 'certified upper bound',
  lower: 'certified lower bound',
  exact: 'exact',
  estimate: 'Monte Carlo estimate',
};

/** The calibrated value as the headline shows it (rounded on its safe side). */
function calibratedText(report: CalibrationReport): string {
  if (report.parameter === 'sigma') return formatFigure(report.value, report.guarantee === 'sufficient' ? 'upper' : 'lower');
  return report.parameter === 'sampling-rate' ? formatFigure(report.value, 'lower') : String(report.value);
}

export function calibrationTable(report: CalibrationReport, style: Style): string {
  const r = report.result;
  const sufficient = report.guarantee === 'sufficient';
  const name = style.chalk.bold(PARAMETER_WORDS[report.parameter]);
  const target = `epsilon <= ${formatInput(report.target.epsilon)} at delta = ${formatInput(report.target.delta)}`;
  let headline: string;
  if (report.parameter === 'sigma') {
    // a sufficient sigma is shown rounded up (still sufficient), a necessary one rounded down (still necessary)
    const value = style.chalk.bold(formatFigure(report.value, sufficient ? 'upper' : 'lower'));
    headline = sufficient ? `${name} = ${value}  (enough for ${target})` : `${name} >= ${value}  (needed for ${target})`;
    if (report.atSearchLimit === 'min')
      headline = `${name} = ${value}  (the smallest searched; it already meets ${target}, and less may too)`;
  } else {
    const value = style.chalk.bold(report.parameter === 'sampling-rate' ? formatFigure(report.value, 'lower') : String(report.value));
    headline =
      report.atSearchLimit === 'max'
        ? `${name} = ${value}  (the search limit; it still keeps ${target}, and more may too)`
        : `${name} = ${value}  (the largest that keeps ${target})`;
  }
  const why = sufficient
    ? 'sufficient: the certified upper bound on epsilon at this value meets the target'
    : 'necessary: a certified lower bound shows any less noise misses the target; this much may not be enough';
  const lines = [
    headline,
    why,
    `at ${CALIBRATED_SYMBOL[report.parameter]} = ${calibratedText(report)}: epsilon ${RELATION[r.kind]} ${formatFigure(r.value, r.kind)} (${SHORT_KIND_WORDS[r.kind]})`,
    accountantLine(r),
    '',
    ...stageTable(r.inputs, style),
  ];
  const notes = noteLines([...report.notes, ...(r.notes ?? [])], style);
  if (notes.length) lines.push('', ...notes);
  return lines.join('\n') + '\n';
}

/**
 * The report's notes, then each row's, each said once (compared without regard to case): a note shared by
 * several rows names them all ("shuffle, persistent-shuffle: ..."), and one that already begins with its
 * sampler's name is not prefixed with it again.
 */
function comparisonNotes(report: ComparisonReport): string[] {
  const seen = new Set(report.notes.map((n) => n.toLowerCase()));
  const shared = new Map<string, { text: string; samplers: string[] }>();
  for (const row of report.rows)
    for (const note of row.notes ?? []) {
      const key = note.toLowerCase();
      if (seen.has(key)) continue;
      const entry = shared.get(key) ?? { text: note, samplers: [] };
      if (!entry.samplers.includes(row.sampler)) entry.samplers.push(row.sampler);
      shared.set(key, entry);
    }
  const rowNotes = [...shared.values()].map(({ text, samplers }) =>
    samplers.length === 1 && text.toLowerCase().startsWith(samplers[0].toLowerCase()) ? text : `${samplers.join(', ')}: ${text}`,
  );
  return [...report.notes, ...rowNotes];
}

export function comparisonTable(report: ComparisonReport, style: Style): string {
  const head = ['sampler', report.quantity, 'kind', 'vs poisson'].map((h) => style.chalk.dim(h));
  const rows = report.rows.map((row) => [
    row.method === undefined ? row.sampler : `${row.sampler} (${row.method})`,
    `${RELATION[row.kind]} ${formatFigure(row.value, row.kind)}`,
    row.kind,
    row.ratioToPoisson === undefined ? '' : `x${formatFigure(row.ratioToPoisson, 'exact', 3)}`,
  ]);
  const lines = alignColumns([head, ...rows]);
  const notes = noteLines(comparisonNotes(report), style);
  if (notes.length) lines.push('', ...notes);
  return lines.join('\n') + '\n';
}

/**
 * The curve delta(epsilon): one row per epsilon with the certified upper and lower bounds on delta (each
 * rounded in its safe direction; `-` where none is known) and the kind of the headline figure; Monte Carlo
 * estimates get their own column.
 */
export function deltaCurveTable(curve: DeltaCurveReport, style: Style): string {
  const points = curve.points;
  const estimates = points.some((p) => p.kind === 'estimate');
  const cell = (x: number | undefined, kind: BoundKind) => (x === undefined || Number.isNaN(x) ? '-' : formatFigure(x, kind));
  const upperOf = (p: AccountingResult) => p.upper ?? (p.kind === 'upper' || p.kind === 'exact' ? p.value : undefined);
  const lowerOf = (p: AccountingResult) => p.lower ?? (p.kind === 'lower' || p.kind === 'exact' ? p.value : undefined);
  const head = ['epsilon', ...(estimates ? ['delta estimate'] : []), 'delta upper bound', 'delta lower bound', 'kind'].map((h) =>
    style.chalk.dim(h),
  );
  const rows = points.map((p, i) => [
    formatInput(curve.epsilons[i]),
    ...(estimates ? [p.kind === 'estimate' ? cell(p.value, 'estimate') : '-'] : []),
    cell(upperOf(p), 'upper'),
    cell(lowerOf(p), 'lower'),
    p.kind,
  ]);
  const inputs = curve.inputs as Record<string, unknown>;
  const unit = inputs.privacyUnit ? `, per ${inputs.privacyUnit}` : '';
  const adjacency = inputs.adjacency ? `, ${inputs.adjacency} adjacency` : '';
  const kinds = [...new Set(points.map((p) => p.kind))];
  const lines = [
    style.chalk.bold(`delta at ${points.length} epsilons`) + `${unit}${adjacency}`,
    ...alignColumns([head, ...rows]).map((l) => '  ' + l),
    ...kinds.map((k) => `kind: ${k} = ${KIND_WORDS[k]}`),
    accountantLine({ ...points[0], accountant: curve.accountant }),
    '',
    ...stageTable(curve.inputs, style),
  ];
  const notes = noteLines(curve.notes, style);
  if (notes.length) lines.push('', ...notes);
  return lines.join('\n') + '\n';
}
