/**
 * AccountingPlan -> AccountingResult: runs the chosen accountant on the plan's stages. No I/O.
 *
 * - `pld` (default): accountants/pld.ts, a certified upper bound (or the closed form for plain Gaussians)
 *   with a certified lower bound beside it.
 * - `rdp`: accountants/rdp.ts, a looser certified upper bound.
 * Stages with a shuffle or balls-and-bins sampler have no certified upper bound to compose; they go to
 * the sampler accountants (accountants/samplers.ts) and only as a single stage.
 */
import { AccountingError, InputError, InputErrors } from '../errors.js';
import type { BudgetReport, DeltaCurveReport, StageCostView } from '../result.js';
import type { AccountingResult, BoundKind } from '../result.js';
import { pldAccountant, type PldFigure } from '../../accountants/pld.js';
import { rdpEpsilon, rdpDelta } from '../../accountants/rdp.js';
import { samplerDelta, samplerEpsilon, type SamplerFigure } from '../../accountants/samplers.js';
import { engineStages, type AccountingPlan, type PlanStage, type Query } from '../plan.js';
export { engineStages } from '../plan.js';

/** How the inputs appear in results (JSON `inputs`). */
export function describeInputs(plan: AccountingPlan, query: Query): Record<string, unknown> {
  return {
    ...(query.quantity === 'epsilon' ? { delta: query.delta } : { epsilon: query.epsilon }),
    adjacency: plan.adjacency,
    privacyUnit: plan.privacyUnit,
    stages: plan.stages.map((s) => ({
      label: s.label,
      mechanism: s.mechanism,
      sampler: s.sampler,
      ...(s.poissonRate !== undefined ? { samplingRate: s.poissonRate } : {}),
      ...(s.stepsPerEpoch !== undefined ? { stepsPerEpoch: s.stepsPerEpoch } : {}),
      ...(s.epochs !== undefined ? { epochs: s.epochs } : {}),
      steps: s.steps,
    })),
  };
}

function accountantSettings(plan: AccountingPlan): Record<string, unknown> {
  return plan.accountant.name === 'pld'
    ? { discretization: plan.accountant.discretization, adjacency: plan.adjacency }
    : { adjacency: plan.adjacency };
}

function fromPld(figure: PldFigure): { value: number; kind: BoundKind; lower?: number; upper?: number; details: Record<string, unknown> } {
  return {
    value: figure.upper,
    kind: figure.kind,
    upper: figure.upper,
    ...(figure.lower > 0 ? { lower: figure.lower } : {}),
    details: { remove: figure.remove, add: figure.add, ...figure.details },
  };
}

/** Samplers whose figures come from accountants/samplers.ts rather than a composable PLD. */
const LOWER_BOUND_SAMPLERS = new Set(['shuffle', 'persistent-shuffle']);

/**
 * A single stage with a shuffling sampler: the certified lower bound of accountants/samplers.ts
 * (ABLQ max-statistic construction). A Gaussian sensitivity s (in clip norms) acts as noise sigma / s.
 */
function accountShuffleStage(plan: AccountingPlan, stage: PlanStage, query: Query): AccountingResult {
  if (plan.accountant.name !== 'pld')
    throw new InputErrors([`accountant: ${plan.accountant.name} has no analysis of the ${stage.sampler} sampler; use pld (the default)`]);
  if (stage.mechanism.kind !== 'gaussian') throw new InputErrors([`${stage.label}: the ${stage.sampler} sampler is accounted for gaussian mechanisms only`]);
  const setting = {
    sampler: stage.sampler as 'shuffle' | 'persistent-shuffle',
    noiseMultiplier: stage.mechanism.noiseMultiplier / (stage.mechanism.sensitivity ?? 1),
    stepsPerEpoch: stage.stepsPerEpoch!,
    epochs: stage.epochs!,
    discretization: plan.accountant.discretization,
  };
  const f: SamplerFigure =
    query.quantity === 'epsilon' ? samplerEpsilon({ ...setting, delta: query.delta }) : samplerDelta({ ...setting, epsilon: query.epsilon });
  return {
    quantity: query.quantity,
    value: f.value,
    kind: f.kind,
    ...(f.lower !== undefined ? { lower: f.lower } : {}),
    ...(f.upper !== undefined ? { upper: f.upper } : {}),
    inputs: describeInputs(plan, query),
    accountant: { name: `${stage.sampler} lower bound`, settings: { discretization: plan.accountant.discretization, adjacency: plan.adjacency } },
    details: f.details,
    notes: [...plan.notes, ...f.notes],
  };
}

/** Answers many queries on one plan, composing its stages once (PLD) instead of once per query. */
export interface PlanAccountant {
  account(query: Query): AccountingResult;
}

export function planAccountant(plan: AccountingPlan): PlanAccountant {
  if (plan.stages.length === 1 && LOWER_BOUND_SAMPLERS.has(plan.stages[0].sampler))
    return { account: (query) => accountShuffleStage(plan, plan.stages[0], query) };
  const stages = engineStages(plan);
  type Raw = { value: number; kind: BoundKind; lower?: number; upper?: number; details: Record<string, unknown> };
  let answer: (query: Query) => Raw;
  if (plan.accountant.name === 'pld') {
    const pld = pldAccountant(stages, { discretization: plan.accountant.discretization, adjacency: plan.adjacency });
    answer = (query) => fromPld(query.quantity === 'epsilon' ? pld.epsilon(query.delta) : pld.delta(query.epsilon));
  } else {
    const options = { adjacency: plan.adjacency };
    answer = (query) => {
      if (query.quantity === 'epsilon') {
        const r = rdpEpsilon(stages, query.delta, options);
        return { value: r.epsilon, kind: 'upper', upper: r.epsilon, details: { order: r.order } };
      }
      const r = rdpDelta(stages, query.epsilon, options);
      return { value: r.delta, kind: 'upper', upper: r.delta, details: { order: r.order } };
    };
  }
  return {
    account(query) {
      const figure = answer(query);
      const notes = [...plan.notes];
      if (!(figure.value >= 0)) throw new AccountingError(`the ${plan.accountant.name} accountant returned ${figure.value}`);
      if (query.quantity === 'epsilon' && figure.value === Infinity)
        notes.push(`no finite epsilon at delta = ${query.delta}: some step's own delta or tail mass exceeds it`);
      return {
        quantity: query.quantity,
        value: figure.value,
        kind: figure.kind,
        ...(figure.lower !== undefined ? { lower: figure.lower } : {}),
        ...(figure.upper !== undefined ? { upper: figure.upper } : {}),
        inputs: describeInputs(plan, query),
        accountant: { name: plan.accountant.name, settings: accountantSettings(plan) },
        details: figure.details,
        notes,
      };
    },
  };
}

/** The headline figure of `plan` for `query` (default: the plan's own query). */
export function accountPlan(plan: AccountingPlan, query: Query = plan.query): AccountingResult {
  return planAccountant(plan).account(query);
}

/** The epsilons of a curve: a non-empty list of finite numbers >= 0. */
function checkCurveEpsilons(epsilons: readonly number[]): void {
  if (!Array.isArray(epsilons) || epsilons.length === 0) throw new InputError('epsilons', 'a non-empty list of numbers >= 0', epsilons);
  for (const e of epsilons) if (!(typeof e === 'number' && Number.isFinite(e) && e >= 0)) throw new InputError('epsilons', 'finite numbers >= 0', e);
}

function deltaCurve(plan: AccountingPlan, epsilons: readonly number[], points: readonly AccountingResult[]): DeltaCurveReport {
  const notes = [...new Set(points.flatMap((p) => p.notes ?? []))];
  const estimate = points.find((p) => p.kind === 'estimate');
  const confidence = estimate?.details?.confidence;
  if (estimate && points.length > 1 && typeof confidence === 'number') {
    // union bound over the points, whatever the dependence between them (they share samples)
    const joint = 1 - points.length * (1 - confidence);
    // shown rounded down to 4 decimals (the slack only absorbs float error in 1 - k (1 - c))
    notes.push(
      `Each Monte Carlo figure holds with probability at least ${confidence} on its own; ` +
        (joint > 0
          ? `all ${points.length} together with probability at least ${Math.floor(joint * 1e4 + 1e-9) / 1e4} (union bound).`
          : `the union bound gives no joint guarantee for all ${points.length} (raise --confidence).`),
    );
  }
  return {
    epsilons: [...epsilons],
    points,
    inputs: { ...describeInputs(plan, { quantity: 'delta', epsilon: epsilons[0] }), epsilon: [...epsilons] },
    accountant: points[0].accountant,
    notes,
  };
}

/**
 * delta at each of `epsilons` (in the order given), composing the plan once (PLD) and querying each epsilon;
 * RDP evaluates rdpDelta per epsilon; the shuffling samplers answer each epsilon on its own.
 */
export function accountDeltaCurve(plan: AccountingPlan, epsilons: readonly number[]): DeltaCurveReport {
  checkCurveEpsilons(epsilons);
  const accountant = planAccountant(plan);
  return deltaCurve(plan, epsilons, epsilons.map((epsilon) => accountant.account({ quantity: 'delta', epsilon })));
}

/** One stage's epsilon alone (the type output/reports.ts renders). */
export type StageCost = StageCostView;

/** Each stage's epsilon alone at `delta` (for saying which stage costs most). */
export function stageCosts(plan: AccountingPlan, delta: number): StageCost[] {
  return plan.stages.map((stage) => {
    const alone: AccountingPlan = { ...plan, stages: [stage], notes: [] };
    const r = accountPlan(alone, { quantity: 'epsilon', delta });
    return { label: stage.label, epsilon: r.value, kind: r.kind };
  });
}

/** The outcome of a budget check: the report output/reports.ts renders, computed here. */
export type BudgetCheck = BudgetReport;

/** The CI gate: is the certified upper bound on epsilon at budget.delta within budget.epsilon? */
export function checkBudget(plan: AccountingPlan, budget: { epsilon: number; delta: number }): BudgetCheck {
  const result = accountPlan(plan, { quantity: 'epsilon', delta: budget.delta });
  const upper = result.upper ?? (result.kind === 'upper' || result.kind === 'exact' ? result.value : undefined);
  if (upper === undefined) {
    // only a lower bound: it can prove the budget is exceeded, never that it is met
    if (result.lower !== undefined && result.lower > budget.epsilon)
      return { withinBudget: false, basis: 'lower', budget, result, excess: result.lower - budget.epsilon };
    throw new AccountingError(
      `no certified upper bound on epsilon for this spec (only a ${result.kind} bound, ${result.value} at delta = ${budget.delta}, which is within the budget); ` +
        'cannot certify the budget: use a sampler with an upper bound (poisson, deterministic)',
    );
  }
  const withinBudget = upper <= budget.epsilon;
  return {
    withinBudget,
    basis: 'upper',
    budget,
    result,
    excess: upper - budget.epsilon,
    ...(withinBudget ? {} : { stageCosts: stageCosts(plan, budget.delta) }),
  };
}

export type { PlanStage };

// ---------------------------------------------------------------------------------------------------------
// balls-and-bins (Monte Carlo, asynchronous: worker threads)

export interface MonteCarloRun {
  /** progress in samples over the whole run */
  readonly onProgress?: (done: number, total: number) => void;
}

/** The Monte Carlo setting of a balls-and-bins stage; refuses rdp and non-Gaussian mechanisms. */
function ballsAndBinsRun(plan: AccountingPlan, stage: PlanStage, run: MonteCarloRun) {
  if (plan.accountant.name !== 'pld')
    throw new InputErrors([`accountant: ${plan.accountant.name} has no analysis of the balls-and-bins sampler; use pld (the default)`]);
  if (stage.mechanism.kind !== 'gaussian') throw new InputErrors([`${stage.label}: the balls-and-bins sampler is accounted for gaussian mechanisms only`]);
  const mc = plan.accountant.monteCarlo;
  const setting = {
    noiseMultiplier: stage.mechanism.noiseMultiplier / (stage.mechanism.sensitivity ?? 1),
    stepsPerEpoch: stage.stepsPerEpoch!,
    epochs: stage.epochs!,
    samples: mc.samples,
    seed: mc.seed,
    confidence: mc.confidence,
    ...(run.onProgress ? { onProgress: run.onProgress } : {}),
  };
  const accountant = { name: 'balls-and-bins monte carlo', settings: { ...mc, adjacency: plan.adjacency } };
  const confidenceWords = `with probability at least ${mc.confidence} over the sampling (seed ${mc.seed}, ${mc.samples} samples per direction)`;
  return { setting, accountant, confidenceWords };
}

/**
 * A single balls-and-bins stage (BNB, Chua et al. 2025) through accountants/ballsAndBins: the Monte Carlo
 * figure is an `estimate` (holds with probability >= confidence over the sampling), with the certified
 * lower bound (max-statistic construction) and, for epsilon, the certified upper bound beside it. When the
 * samples cannot resolve the figure, the headline falls back to the certified upper bound and the notes
 * say how many samples would resolve it.
 */
async function accountBallsAndBinsStage(plan: AccountingPlan, stage: PlanStage, query: Query, run: MonteCarloRun): Promise<AccountingResult> {
  if (query.quantity === 'delta') return (await ballsAndBinsDeltas(plan, stage, [query.epsilon], run))[0];
  const { setting, accountant, confidenceWords } = ballsAndBinsRun(plan, stage, run);
  const { ballsAndBinsEpsilon } = await import('../../accountants/ballsAndBins/index.js');
  const base = { quantity: query.quantity, inputs: describeInputs(plan, query), accountant };
  const r = await ballsAndBinsEpsilon({ ...setting, delta: query.delta });
  const details = { method: r.method, confidence: r.confidence, resolved: r.resolved, meanEpsilon: r.meanEpsilon, ...(r.suggestedSamples ? { suggestedSamples: r.suggestedSamples } : {}), ...r.details };
  if (r.resolved && r.epsilon !== null)
    return {
      ...base,
      value: r.epsilon,
      kind: 'estimate',
      lower: r.lower,
      upper: r.upper,
      details,
      notes: [...plan.notes, `Monte Carlo estimate: epsilon is at most this ${confidenceWords}; not a certified bound.`],
    };
  return {
    ...base,
    value: r.upper,
    kind: 'upper',
    lower: r.lower,
    upper: r.upper,
    details,
    notes: [
      ...plan.notes,
      `Monte Carlo could not resolve epsilon at delta = ${query.delta}: ${r.reason ?? 'not enough samples'}.` +
        (r.suggestedSamples ? ` About ${r.suggestedSamples} samples (--samples) would.` : ''),
      'The figure shown is the certified upper bound (deterministic batches, joint convexity), not the Monte Carlo estimate.',
    ],
  };
}

/** delta at each epsilon of a single balls-and-bins stage: one Monte Carlo run shared by all of them. */
async function ballsAndBinsDeltas(plan: AccountingPlan, stage: PlanStage, epsilons: readonly number[], run: MonteCarloRun): Promise<AccountingResult[]> {
  const { setting, accountant, confidenceWords } = ballsAndBinsRun(plan, stage, run);
  const { ballsAndBinsDelta } = await import('../../accountants/ballsAndBins/index.js');
  const r = await ballsAndBinsDelta({ ...setting, epsilons });
  return epsilons.map((epsilon, i) => {
    const e = r.estimates[i];
    const notes = [...plan.notes, `Monte Carlo estimate: delta is at most this ${confidenceWords}; not a certified bound.`];
    if (!e.resolved)
      notes.push(
        `The samples do not resolve delta at epsilon = ${epsilon} (${e.mean === 0 ? 'no sample exceeded it' : 'the upper confidence bound is more than twice the mean'}); ` +
          `the figure reflects the sample count more than the distribution.${e.suggestedSamples ? ` About ${e.suggestedSamples} samples (--samples) would resolve it.` : ''}`,
      );
    return {
      quantity: 'delta' as const,
      inputs: describeInputs(plan, { quantity: 'delta', epsilon }),
      accountant,
      value: e.ucb,
      kind: 'estimate' as const,
      lower: e.lower,
      details: { method: r.method, confidence: r.confidence, resolved: e.resolved, mean: e.mean, remove: e.remove, add: e.add, ...(e.suggestedSamples ? { suggestedSamples: e.suggestedSamples } : {}), ...r.details },
      notes,
    };
  });
}

/** accountPlan, plus the Monte Carlo samplers (balls-and-bins), which run asynchronously. */
export async function accountPlanAsync(plan: AccountingPlan, query: Query = plan.query, run: MonteCarloRun = {}): Promise<AccountingResult> {
  if (plan.stages.length === 1 && plan.stages[0].sampler === 'balls-and-bins') return accountBallsAndBinsStage(plan, plan.stages[0], query, run);
  return accountPlan(plan, query);
}

/** accountDeltaCurve, plus balls-and-bins (one Monte Carlo run shared by every epsilon). */
export async function accountDeltaCurveAsync(plan: AccountingPlan, epsilons: readonly number[], run: MonteCarloRun = {}): Promise<DeltaCurveReport> {
  if (!(plan.stages.length === 1 && plan.stages[0].sampler === 'balls-and-bins')) return accountDeltaCurve(plan, epsilons);
  checkCurveEpsilons(epsilons);
  return deltaCurve(plan, epsilons, await ballsAndBinsDeltas(plan, plan.stages[0], epsilons, run));
}

/** checkBudget for every sampler, balls-and-bins included (its certified upper bound is what is compared). */
export async function checkBudgetAsync(plan: AccountingPlan, budget: { epsilon: number; delta: number }, run: MonteCarloRun = {}): Promise<BudgetCheck> {
  if (!(plan.stages.length === 1 && plan.stages[0].sampler === 'balls-and-bins')) return checkBudget(plan, budget);
  const result = await accountPlanAsync(plan, { quantity: 'epsilon', delta: budget.delta }, run);
  // the gate compares the certified upper bound, as for every sampler; the Monte Carlo figure is in the notes
  const upper = result.upper!;
  return { withinBudget: upper <= budget.epsilon, basis: 'upper', budget, result, excess: upper - budget.epsilon };
}
