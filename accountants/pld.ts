/**
 * The PLD accountant: certified upper bounds (and lower bounds) on eps(delta) and delta(eps) for a sequence
 * of stages, each a mechanism run some number of steps, optionally on a Poisson subsample.
 *
 * Both neighbour directions are composed separately and the larger figure is reported
 * (shared/design/accounting.md section 1). Plain Gaussian stages are merged into one Gaussian
 * (k steps at sigma = one step at sigma/sqrt(k)); when nothing else is left the closed form is used.
 */
import { asEquivalentGaussian, type Adjacency, type Stage } from '../src/mechanism.js';
import { AccountingError, InputError } from '../src/errors.js';
import { validateStages } from '../src/stages.js';
import {
  epsDeltaLoss,
  gaussianLoss,
  laplaceLoss,
  randomizedResponseLoss,
  type LossModel,
} from '../src/pld/lossModels.js';
import { composeStages, type ComposedPld, type StageModel } from '../src/pld/pipeline.js';
import { deltaForEpsilon, epsilonForDelta } from '../src/pld/query.js';
import { analyticGaussianDelta, analyticGaussianEpsilon } from './deterministic.js';
import { composableProblem, engineStages, type AccountingPlan } from '../src/plan.js';
import type { Figure } from '../src/result.js';
import type { Accountant } from './contract.js';
import { samplerLossModel, symmetricStage } from './samplerLosses.js';
import { truncationWeights } from './truncatedPoisson.js';
import { rdpDelta, rdpEpsilon } from './rdp.js';

export interface PldOptions {
  /** grid interval for single-step PLDs, default 1e-4 */
  readonly discretization?: number;
  /** default 'add-remove' */
  readonly adjacency?: Adjacency;
}

export interface DirectionFigure {
  readonly upper: number;
  readonly lower: number;
}

export interface PldFigure {
  /** certified upper bound: max over the add and remove directions */
  readonly upper: number;
  /** certified lower bound (0 when uninformative) */
  readonly lower: number;
  /** 'exact' when the closed form of the Gaussian mechanism was used */
  readonly kind: 'upper' | 'exact';
  readonly remove: DirectionFigure;
  readonly add: DirectionFigure;
  readonly details: Readonly<Record<string, unknown>>;
  /** plain-language notes to print with the figure (truncated Poisson: the plain Poisson figure beside it) */
  readonly notes?: readonly string[];
}

export const DEFAULT_DISCRETIZATION = 1e-4;

type Direction = 'remove' | 'add';

/** Noise (in sensitivity units) and rate of a stage's Gaussian, or null for other mechanisms. */
function plainGaussianRatio(stage: Stage, adjacency: Adjacency): number | null {
  const m = stage.mechanism;
  if (m.kind !== 'gaussian' || (stage.poissonRate !== undefined && stage.poissonRate < 1)) return null;
  if (stage.truncation !== undefined || stage.fixedSize !== undefined || stage.randomAllocation !== undefined) return null;
  // sensitivity over noise std (both in clip norms); replace-one doubles the shift
  return ((adjacency === 'replace-one' ? 2 : 1) * (m.sensitivity ?? 1)) / m.noiseMultiplier;
}

function lossModel(stage: Stage, adjacency: Adjacency, direction: Direction): LossModel {
  const other = samplerLossModel(stage, adjacency, direction);
  if (other !== undefined) return other;
  const m = stage.mechanism;
  const q = stage.poissonRate ?? 1;
  const replace = adjacency === 'replace-one';
  switch (m.kind) {
    case 'gaussian': {
      if (replace && q < 1) throw replaceOneSubsampled();
      return gaussianLoss(m.noiseMultiplier / ((m.sensitivity ?? 1) * (replace ? 2 : 1)), q, direction);
    }
    case 'laplace': {
      if (replace && q < 1) throw replaceOneSubsampled();
      const sensitivity = (m.sensitivity ?? 1) * (replace ? 2 : 1);
      return laplaceLoss(m.scale / sensitivity, q, direction);
    }
    case 'randomized-response': {
      if (q < 1) throw new InputError('sampler', 'no subsampling for randomized response (not supported)', 'poisson');
      return randomizedResponseLoss(m);
    }
    case 'eps-delta': {
      if (q < 1) throw new InputError('sampler', 'no subsampling for an (eps, delta) step (not supported)', 'poisson');
      return epsDeltaLoss(m.epsilon, m.delta);
    }
    default:
      throw new AccountingError(`no PLD for the ${m.kind} mechanism`);
  }
}

function replaceOneSubsampled(): InputError {
  return new InputError(
    'adjacency',
    "'add-remove' or 'zero-out' for Poisson-subsampled stages (replace-one needs its own dominating pair, not supported yet)",
    'replace-one',
  );
}

/** Reject what no accountant can take, naming the field. */
function validate(stages: readonly Stage[], delta?: number, epsilon?: number): void {
  validateStages(stages);
  if (delta !== undefined && !(delta > 0 && delta < 1)) throw new InputError('delta', 'a number in (0, 1)', delta);
  if (epsilon !== undefined && !(epsilon >= 0 && Number.isFinite(epsilon)))
    throw new InputError('epsilon', 'a number >= 0', epsilon);
}

/**
 * A delta below the float64 rounding booked at +infinity (FFT noise, composed over the blocks) is refused:
 * the figure would be Infinity for numerical reasons alone, which is not the user's answer.
 */
const ROUNDING_MARGIN = 1;

interface DirectionAccount {
  /** float64 rounding booked in the figures (0 for closed forms) */
  rounding: number;
  upperDelta(eps: number): number;
  lowerDelta(eps: number): number;
  upperEpsilon(delta: number): number;
  lowerEpsilon(delta: number): number;
  details: Record<string, unknown>;
}

/** Failure probabilities tried for the Hoeffding term of the lower bound, relative to the delta at hand. */
const ETA_FRACTIONS = [1e-1, 1e-2, 1e-3, 1e-4];

function directionAccount(c: ComposedPld): DirectionAccount {
  const shift = (eta: number) => c.roundingBias + Math.sqrt((c.roundingSquares * Math.log(1 / eta)) / 2);
  return {
    rounding: c.rounding,
    upperDelta: (eps) => deltaForEpsilon(c.pmf, eps),
    lowerDelta(eps) {
      // the optimistic twin, and the Azuma-Hoeffding bound on the pessimistic one; both are valid
      let best = Math.max(0, deltaForEpsilon(c.optimistic.pmf, eps) - c.optimistic.slack);
      const reference = deltaForEpsilon(c.pmf, eps);
      for (const f of ETA_FRACTIONS) {
        const eta = Math.max(f * reference, 1e-300);
        best = Math.max(best, deltaForEpsilon(c.pmf, eps + shift(eta)) - eta - c.slack);
      }
      return best;
    },
    upperEpsilon: (delta) => epsilonForDelta(c.pmf, delta),
    lowerEpsilon(delta) {
      const optimistic = epsilonForDelta(c.optimistic.pmf, delta + c.optimistic.slack);
      let best = Number.isFinite(optimistic) ? optimistic : 0;
      for (const f of ETA_FRACTIONS) {
        const eta = f * delta;
        const eps = epsilonForDelta(c.pmf, delta + eta + c.slack);
        if (Number.isFinite(eps)) best = Math.max(best, eps - shift(eta));
      }
      return best;
    },
    details: {
      finalInterval: c.finalInterval,
      grids: c.grids,
      infinityMass: c.pmf.infinityMass,
      floatRounding: c.rounding,
      optimisticSlack: c.optimistic.slack,
      gridPoints: c.pmf.masses.length,
    },
  };
}

/** Exact figures for a Gaussian with noise sigma_eff (both directions are the same). */
function exactGaussianAccount(sigmaEff: number): DirectionAccount {
  return {
    rounding: 0,
    // the Gaussian's delta is positive at every eps: where it underflows float64, the smallest double bounds it
    upperDelta: (epsilon) => analyticGaussianDelta({ noiseMultiplier: sigmaEff, epsilon }) || Number.MIN_VALUE,
    lowerDelta: (epsilon) => analyticGaussianDelta({ noiseMultiplier: sigmaEff, epsilon }),
    upperEpsilon: (delta) => analyticGaussianEpsilon({ noiseMultiplier: sigmaEff, delta }).upper,
    lowerEpsilon: (delta) => analyticGaussianEpsilon({ noiseMultiplier: sigmaEff, delta }).lower,
    details: { closedForm: 'analytic Gaussian (Balle & Wang 2018)', effectiveSigma: sigmaEff },
  };
}

/**
 * 1 / sqrt(sum r_i^2) without overflow of the squares (a sum of squared ratios of 1e155 is Infinity in
 * float64, which once made the noise 0 and the figure NaN, read as delta = 0). 0 means no noise at all:
 * a ratio (sensitivity over noise) that is itself infinite, or an effective noise below float64's range.
 */
export function mergedGaussianNoise(roots: readonly number[]): number {
  if (roots.length === 0) return Infinity;
  let largest = 0;
  for (const r of roots) largest = Math.max(largest, r);
  if (!Number.isFinite(largest)) return 0;
  if (largest === 0) return Infinity;
  let sum = 0;
  for (const r of roots) sum += (r / largest) * (r / largest);
  return 1 / (largest * Math.sqrt(sum));
}

/** Composition with a noiseless Gaussian: the outputs identify the neighbour, eps = infinity, delta = 1. */
function noNoiseAccount(): DirectionAccount {
  return {
    rounding: 0,
    upperDelta: () => 1,
    // the truth is within float64 rounding of these (sensitivity / noise >= 1.8e308)
    lowerDelta: () => 1 - Number.EPSILON,
    upperEpsilon: () => Infinity,
    lowerEpsilon: () => Number.MAX_VALUE,
    details: { noNoise: 'a Gaussian stage has no effective noise (sensitivity / noise overflows float64)' },
  };
}

function buildDirection(stages: readonly Stage[], adjacency: Adjacency, interval: number, direction: Direction): DirectionAccount {
  // merge plain Gaussians: their losses add up to one Gaussian with 1/sigma^2 = sum steps * ratio^2
  const gaussianRoots: number[] = [];
  const others: StageModel[] = [];
  for (const s of stages) {
    const ratio = plainGaussianRatio(s, adjacency);
    if (ratio !== null) gaussianRoots.push(Math.sqrt(s.steps) * ratio);
    else others.push({ model: lossModel(s, adjacency, direction), steps: s.steps });
  }
  const sigmaEff = mergedGaussianNoise(gaussianRoots);
  if (others.length === 0) return exactGaussianAccount(sigmaEff);
  if (sigmaEff === 0) return noNoiseAccount();
  if (gaussianRoots.length > 0) others.push({ model: gaussianLoss(sigmaEff, 1, direction), steps: 1 });
  return directionAccount(composeStages(others, { interval }));
}

export interface PldAccountant {
  epsilon(delta: number): PldFigure;
  delta(epsilon: number): PldFigure;
}

/**
 * Compose once, query many times. Stages with truncated Poisson sampling get the plain Poisson figure at the
 * same expected batch and the overflow probability beside theirs (in notes and details).
 */
export function pldAccountant(given: readonly Stage[], options: PldOptions = {}): PldAccountant {
  validate(given);
  // tree aggregation is a Gaussian of sensitivity sqrt(depth) per epoch (src/mechanism.ts)
  const stages = given.map((s) => (s.mechanism.kind === 'tree-aggregation' ? { ...s, mechanism: asEquivalentGaussian(s.mechanism) } : s));
  const own = withoutLowerForAllocation(stages, withRdpCrossCheck(stages, options, composedAccountant(stages, options)));
  const truncated = stages.filter((s) => s.truncation !== undefined);
  if (truncated.length === 0) return own;
  let poisson: PldAccountant | undefined;
  const plain = () => (poisson ??= composedAccountant(stages.map(({ truncation: _, ...s }) => s), options));
  const overflow = truncated.map((s) => {
    const w = truncationWeights(s.poissonRate!, s.truncation!.datasetSize, s.truncation!.maxBatchSize);
    // probability that at least one of the stage's batches is cut (the batch of the other units alone reaches B)
    const anyStep = -Math.expm1(s.steps * Math.log1p(-Math.min(w.overflow, 1 - 1e-16)));
    return { maxBatchSize: s.truncation!.maxBatchSize, perStep: w.overflow, anyStep, conditionalRate: w.conditionalRate };
  });
  const annotate = (f: PldFigure, p: PldFigure, quantity: string): PldFigure => ({
    ...f,
    details: { ...f.details, plainPoisson: { upper: p.upper, lower: p.lower }, truncation: overflow },
    notes: [
      ...(f.notes ?? []),
      `plain Poisson sampling at the same expected batch: ${quantity} <= ${p.upper.toPrecision(5)}`,
      ...overflow.map(
        (o) =>
          `max batch ${o.maxBatchSize}: a batch overflows with probability ${o.perStep.toPrecision(3)} per step ` +
          `(${o.anyStep.toPrecision(3)} over the stage); overflowing batches are accounted at twice the sensitivity`,
      ),
    ],
  });
  return {
    epsilon: (delta) => annotate(own.epsilon(delta), plain().epsilon(delta), 'epsilon'),
    delta: (epsilon) => annotate(own.delta(epsilon), plain().delta(epsilon), 'delta'),
  };
}

/**
 * Fixed-size stages get the RDP accountant's figure beside theirs (Wang, Balle, Kasiviswanathan 2019 under
 * replace-one): an independent certified bound that the PLD figure should not exceed.
 */
function withRdpCrossCheck(stages: readonly Stage[], options: PldOptions, inner: PldAccountant): PldAccountant {
  if (!stages.some((s) => s.fixedSize !== undefined)) return inner;
  const rdpOptions = { adjacency: options.adjacency ?? 'add-remove' };
  const add = (f: PldFigure, rdp: () => number, quantity: string): PldFigure => {
    let figure: number;
    try {
      figure = rdp();
    } catch (e) {
      // another stage the RDP accountant cannot take: no cross-check, the PLD figure stands alone
      if (e instanceof AccountingError || e instanceof InputError) return f;
      throw e;
    }
    return withNote(f, figure, quantity);
  };
  const withNote = (f: PldFigure, rdp: number, quantity: string): PldFigure => ({
    ...f,
    details: { ...f.details, rdpCrossCheck: rdp },
    notes: [...(f.notes ?? []), `RDP cross-check (fixed-size batches: Wang, Balle, Kasiviswanathan 2019): ${quantity} <= ${rdp.toPrecision(5)}`],
  });
  return {
    epsilon: (delta) => add(inner.epsilon(delta), () => rdpEpsilon(stages, delta, rdpOptions).epsilon, 'epsilon'),
    delta: (epsilon) => add(inner.delta(epsilon), () => rdpDelta(stages, epsilon, rdpOptions).delta, 'delta'),
  };
}

/**
 * Balls-and-bins stages enter the composition through their upper PLD (src/pld/randomAllocation.ts), so the
 * pipeline's lower bound would bound that, not the truth: none is reported for such compositions.
 */
function withoutLowerForAllocation(stages: readonly Stage[], inner: PldAccountant): PldAccountant {
  if (!stages.some((s) => s.randomAllocation !== undefined)) return inner;
  const strip = (f: PldFigure): PldFigure => ({
    ...f,
    lower: 0,
    remove: { ...f.remove, lower: 0 },
    add: { ...f.add, lower: 0 },
    notes: [...(f.notes ?? []), 'balls-and-bins stages compose through their certified upper PLD: no lower bound is given for the composition'],
  });
  return { epsilon: (delta) => strip(inner.epsilon(delta)), delta: (epsilon) => strip(inner.delta(epsilon)) };
}

function composedAccountant(stages: readonly Stage[], options: PldOptions): PldAccountant {
  validate(stages);
  const interval = options.discretization ?? DEFAULT_DISCRETIZATION;
  if (!(interval > 0 && interval <= 0.1)) throw new InputError('discretization', 'a number in (0, 0.1]', interval);
  const adjacency = options.adjacency ?? 'add-remove';
  const remove = buildDirection(stages, adjacency, interval, 'remove');
  // without subsampling every mechanism here but the mixture of Gaussians has the same PLD in both directions
  // (symmetric noise; randomized response and the (eps, delta) pair are symmetric by construction)
  const symmetric = stages.every((s) => symmetricStage(s));
  const add = symmetric ? remove : buildDirection(stages, adjacency, interval, 'add');
  const exact = remove.details.closedForm !== undefined;
  const details = { discretization: interval, adjacency, remove: remove.details, add: add.details };
  const figure = (r: DirectionFigure, a: DirectionFigure): PldFigure => ({
    upper: Math.max(r.upper, a.upper),
    lower: Math.max(r.lower, a.lower),
    kind: exact ? 'exact' : 'upper',
    remove: r,
    add: a,
    details,
  });
  return {
    epsilon(delta) {
      validate(stages, delta);
      const rounding = Math.max(remove.rounding, add.rounding);
      if (delta < ROUNDING_MARGIN * rounding)
        throw new AccountingError(
          `delta = ${delta} is below what float64 FFTs resolve for this composition (rounding ~${rounding.toPrecision(2)}); ` +
            `ask for delta >= ${(ROUNDING_MARGIN * rounding).toPrecision(2)}`,
        );
      return figure(
        { upper: remove.upperEpsilon(delta), lower: remove.lowerEpsilon(delta) },
        { upper: add.upperEpsilon(delta), lower: add.lowerEpsilon(delta) },
      );
    },
    delta(epsilon) {
      validate(stages, undefined, epsilon);
      const f = figure(
        { upper: remove.upperDelta(epsilon), lower: remove.lowerDelta(epsilon) },
        { upper: add.upperDelta(epsilon), lower: add.lowerDelta(epsilon) },
      );
      // a closed-form delta below float64's range is only bounded by the smallest double, not exact
      return f.kind === 'exact' && f.upper === Number.MIN_VALUE ? { ...f, kind: 'upper', lower: 0 } : f;
    },
  };
}

export function pldEpsilon(stages: readonly Stage[], delta: number, options?: PldOptions): PldFigure {
  validate(stages, delta);
  return pldAccountant(stages, options).epsilon(delta);
}

export function pldDelta(stages: readonly Stage[], epsilon: number, options?: PldOptions): PldFigure {
  validate(stages, undefined, epsilon);
  return pldAccountant(stages, options).delta(epsilon);
}

// ---------------------------------------------------------------------------------------------------------
// the accountant contract (accountants/contract.ts)

/** One composition per plan, queried as often as asked (delta curves, budget checks). */
const composed = new WeakMap<AccountingPlan, PldAccountant>();

/** A PldFigure as the contract's Figure: the upper bound is the headline, a positive lower bound beside it. */
export function pldFigure(figure: PldFigure): Figure {
  return {
    value: figure.upper,
    kind: figure.kind,
    upper: figure.upper,
    ...(figure.lower > 0 ? { lower: figure.lower } : {}),
    details: { remove: figure.remove, add: figure.add, ...figure.details },
    ...(figure.notes ? { notes: figure.notes } : {}),
  };
}

/** PLD over every composable stage (none, Poisson, deterministic batches): a certified upper bound. */
export const pldPlanAccountant: Accountant = {
  name: 'pld',
  compareAs: {
    sampler: 'poisson',
    note:
      'Poisson subsampling: each example joins each step independently with probability 1/T; ' +
      'this figure is only valid if the training code samples that way.',
  },
  supports: (plan) =>
    composableProblem(plan, 'pld') ??
    (plan.stages.some((s) => s.mechanism.kind === 'zcdp')
      ? 'a zCDP step has no privacy loss distribution to compose; the rdp accountant accounts it'
      : plan.repeatAndSelect !== undefined
        ? 'repeat-and-select is accounted by the rdp accountant (Papernot and Steinke 2022)'
        : true),
  describe: (plan) => ({ name: 'pld', settings: { discretization: plan.accountant.discretization, adjacency: plan.adjacency } }),
  account(plan, query) {
    let pld = composed.get(plan);
    if (pld === undefined) {
      pld = pldAccountant(engineStages(plan), { discretization: plan.accountant.discretization, adjacency: plan.adjacency });
      composed.set(plan, pld);
    }
    return pldFigure(query.quantity === 'epsilon' ? pld.epsilon(query.delta) : pld.delta(query.epsilon));
  },
};
