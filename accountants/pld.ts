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
import { atomMoments, epsDeltaLoss, gaussianLoss, laplaceLoss, randomizedResponseLoss, type LossModel } from '../src/pld/lossModels.js';
import { composeStages, type ComposedPld, type StageModel, type TiltTarget } from '../src/pld/pipeline.js';
import { deltaForEpsilon, epsilonForDelta } from '../src/pld/query.js';
import { analyticGaussianDelta, analyticGaussianEpsilon } from './deterministic.js';
import { composableProblem, engineStages, type AccountingPlan } from '../src/plan.js';
import type { Figure } from '../src/result.js';
import type { Accountant } from './contract.js';
import { samplerLossModel, symmetricStage } from './samplerLosses.js';
import { truncationWeights } from './truncatedPoisson.js';
import { rdpDelta, rdpEpsilon } from './rdp.js';
import { formatInput, formatNumber } from '../src/numeric/format.js';

export interface PldOptions {
  /** a fixed grid interval (the common grid of the composition); without it the grid follows `precision` */
  readonly discretization?: number;
  /** target relative width (upper - lower) / upper of the answer, default DEFAULT_PRECISION */
  readonly precision?: number;
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

/**
 * Default target (upper - lower) / upper. 1e-3 keeps the speed targets for q = 0.01-type runs; runs with a
 * tiny sampling rate and 10^6 steps reach about 1e-2 within the time bound and say so.
 */
export const DEFAULT_PRECISION = 1e-3;

/**
 * Automatic grids: level r has the common interval PILOT_INTERVAL / 2^r and fine grids at most
 * PILOT_SPREAD_RATIO / 2^r of a step's loss standard deviation (level 3 is the fixed default 1e-4, 1/16).
 * Both bounds' errors fall like h^2, about 4x per level. Levels are computed in order from the cheap pilot
 * and the answer is the intersection of all intervals computed, so asking for a smaller R never loosens it.
 */
const PILOT_INTERVAL = 8e-4;
const PILOT_SPREAD_RATIO = 1 / 2;
const MAX_LEVEL = 9;
/**
 * Refinement stops when the work of all levels (ComposedPld.work, both directions), with the next level
 * predicted at REFINE_COST_FACTOR x the last, would pass the budget for the precision asked:
 * WORK_BUDGET_AT_DEFAULT at the default R (about 1 s for 10^6 DP-SGD steps on an idle 2-core machine), growing
 * like 1 / sqrt(R) below it (the width falls like h^2, about 4x per level at 2x the work). Work, not time,
 * so that the same input gives the same grid and the same figures on every machine; and the budget never
 * shrinks as R does, so a smaller R never stops earlier.
 */
const WORK_BUDGET_AT_DEFAULT = 1e8;
const REFINE_COST_FACTOR = 2.5;

function workBudget(precision: number): number {
  return WORK_BUDGET_AT_DEFAULT * Math.max(1, Math.sqrt(DEFAULT_PRECISION / precision));
}
/**
 * From level STAGNATION_FROM_LEVEL on (the fixed default grid), two levels that together narrow the width by
 * less than STAGNATION^2 end the refinement (a grid-limited width falls about 4x per level). Two levels, not
 * one: a step's fine grid can stay pinned for one level (its block window at the memory bound) and refine at
 * the next (q = 6e-5, sigma 5.6, 61770 steps: 0.73x, then 0.46x). Coarser levels can stall on a hard edge of
 * the loss (small q) and are always refined.
 */
const STAGNATION = 0.7;
const STAGNATION_FROM_LEVEL = 3;
/** The add direction's pilot (composedAccountant, dominatedAdd): this many levels coarser, checked at these deltas. */
const PILOT_DROP = 1;
const DOMINATION_DELTAS = [1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11, 1e-12];
/**
 * The first level computed is the fixed default grid (level 3, interval 1e-4): with the optimistic twin it
 * already meets the default R on most DP-SGD runs (median width 1.7e-5 on dpsgd_poisson.json), and starting
 * there keeps the cost and the interval of a fixed 1e-4 grid as the floor (starting from the pilot spent as
 * much work on levels 0-2 and stopped with a wider interval at q = 1e-4, 10^6 steps). The coarser levels
 * remain the fallback when this level does not fit the memory bound.
 */
const START_LEVEL = 3;

/**
 * Small epsilons: the composed loss can be narrower than the default grid (large sigma, few steps: its
 * standard deviation is 3e-5 at q = 1e-4, sigma 10, 10 steps), and then the grid, not the target, sets the
 * width (eps = 5.78e-6 came out as [1.6e-6, 7.7e-6]: refinement stopped as stagnant on levels far coarser
 * than the loss). Levels coarser than START_SPREAD times the composed loss's standard deviation are always
 * refined (within the work bound), and refinement may go LEVELS_PAST_START levels beyond that one.
 */
const START_SPREAD = 1 / 16;
const LEVELS_PAST_START = 6;

/** The first level at most START_SPREAD times the composed loss's spread (remove direction), >= START_LEVEL. */
function spreadLevel(stages: readonly Stage[], adjacency: Adjacency): number {
  let variance = 0;
  try {
    for (const s of stages) {
      const m = lossModel(s, adjacency, 'remove');
      variance += s.steps * (m.type === 'discrete' ? atomMoments(m.atoms).variance : m.moments().variance);
    }
  } catch (e) {
    if (e instanceof AccountingError || e instanceof InputError) return START_LEVEL;
    throw e;
  }
  const level = Math.ceil(Math.log2(PILOT_INTERVAL / (START_SPREAD * Math.sqrt(variance))));
  return Number.isFinite(level) ? Math.max(START_LEVEL, level) : START_LEVEL;
}

interface Resolution {
  readonly interval: number;
  readonly spreadRatio?: number;
  /** compose with the error certified per cell toward this delta or eps (src/pld/convolution.ts) */
  readonly tiltToward?: TiltTarget;
  /** ... in double-double arithmetic even where a tilt fits */
  readonly doubleDouble?: boolean;
}

/**
 * `shift`: the levels above START_LEVEL added for a narrow composed loss (spreadLevel - START_LEVEL of them)
 * refine the common grid only, not the steps' fine grids (which already resolve each step).
 */
function levelResolution(level: number, shift = 0): Resolution {
  const held = Math.min(Math.max(0, level - START_LEVEL), shift);
  return { interval: PILOT_INTERVAL / 2 ** level, spreadRatio: PILOT_SPREAD_RATIO / 2 ** (level - held) };
}

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
  if (epsilon !== undefined && !(epsilon >= 0 && Number.isFinite(epsilon))) throw new InputError('epsilon', 'a number >= 0', epsilon);
}

/**
 * A delta below the float64 rounding booked at +infinity (FFT noise, composed over the blocks) is refused:
 * the figure would be Infinity for numerical reasons alone, which is not the user's answer.
 */
const ROUNDING_MARGIN = 1;
/**
 * Float64 rounding of a plain composition (booked at +infinity) above TILT_ROUNDING_SHARE of the delta asked
 * for, costing the epsilon more than 1 / ROUNDING_COST_SHARE of the precision target, makes the accountant
 * compose again with the error certified per cell (src/pld/convolution.ts): tilted toward that delta, where
 * the rounding is relative to the tail, or in double-double arithmetic where the tail is too heavy to tilt.
 * (Delta queries compose again only when the interval is wider than the target: a delta curve asks many.)
 */
const TILT_ROUNDING_SHARE = 1e-3;
const ROUNDING_COST_SHARE = 10;

/** The JSON detail saying that a second, certified composition was used, and how. */
function certifiedNote(used: ReadonlySet<string>): { certifiedComposition: string } {
  return {
    certifiedComposition: `composed again with float64 error certified per cell, by ${[...used].join(' and ')} (src/pld/convolution.ts)`,
  };
}

interface DirectionAccount {
  /** the highest finite loss the composition holds (Infinity for closed forms) */
  top: number;
  /** float64 rounding booked in the figures (0 for closed forms) */
  rounding: number;
  /** ComposedPld.work (0 for closed forms) */
  work: number;
  upperDelta(eps: number): number;
  lowerDelta(eps: number): number;
  upperEpsilon(delta: number): number;
  lowerEpsilon(delta: number): number;
  details: Record<string, unknown>;
}

/** Failure probabilities tried for the Hoeffding term of the lower bound, relative to the delta at hand. */
const ETA_FRACTIONS = [1e-1, 1e-2, 1e-3, 1e-4];

/**
 * Float64 rounding in the queries (sums over the grid, logs) is a few ulps; lower bounds give up this
 * relative amount so that it is booked in the lower bound's favour (the upper bounds book theirs as mass).
 */
const LOWER_QUERY_ROUNDING = 1e-12;

function directionAccount(c: ComposedPld): DirectionAccount {
  // The optimistic twin's own float64 noise estimate (negative mass of its inverse FFT) can see nothing:
  // its top atom keeps every cell of the window well above zero (q = 0.29, sigma 0.89, 1939 steps: 1e-18,
  // where the pessimistic twin's, same transform sizes, is 2e-13). The pessimistic twin's figure is booked
  // as well, so that positive noise cannot lift the lower bound above the truth.
  const optimisticSlack = c.optimistic.slack + c.rounding;
  const shift = (eta: number) => c.roundingBias + Math.sqrt((c.roundingSquares * Math.log(1 / eta)) / 2);
  // the optimistic twin, and the Azuma-Hoeffding bound on the pessimistic one; both are valid
  const lowerDelta = (eps: number) => {
    let best = Math.max(0, deltaForEpsilon(c.optimistic.pmf, eps) - optimisticSlack);
    const reference = deltaForEpsilon(c.pmf, eps);
    for (const f of ETA_FRACTIONS) {
      const eta = Math.max(f * reference, 1e-300);
      best = Math.max(best, deltaForEpsilon(c.pmf, eps + shift(eta)) - eta - c.slack);
    }
    return best;
  };
  const lowerEpsilon = (delta: number) => {
    const optimistic = epsilonForDelta(c.optimistic.pmf, delta + optimisticSlack);
    let best = Number.isFinite(optimistic) ? optimistic : 0;
    for (const f of ETA_FRACTIONS) {
      const eta = f * delta;
      const eps = epsilonForDelta(c.pmf, delta + eta + c.slack);
      if (Number.isFinite(eps)) best = Math.max(best, eps - shift(eta));
    }
    return best;
  };
  return {
    top: (c.pmf.offset + c.pmf.masses.length - 1) * c.pmf.interval,
    rounding: c.rounding,
    work: c.work,
    upperDelta: (eps) => deltaForEpsilon(c.pmf, eps),
    lowerDelta: (eps) => lowerDelta(eps) * (1 - LOWER_QUERY_ROUNDING),
    upperEpsilon: (delta) => epsilonForDelta(c.pmf, delta),
    lowerEpsilon: (delta) => lowerEpsilon(delta) * (1 - LOWER_QUERY_ROUNDING),
    details: {
      finalInterval: c.finalInterval,
      grids: c.grids,
      infinityMass: c.pmf.infinityMass,
      floatRounding: c.rounding,
      optimisticSlack,
      gridPoints: c.pmf.masses.length,
      work: c.work,
      ...(c.certifiedBy !== undefined ? { certifiedBy: c.certifiedBy } : {}),
    },
  };
}

/** Exact figures for a Gaussian with noise sigma_eff (both directions are the same). */
function exactGaussianAccount(sigmaEff: number): DirectionAccount {
  return {
    top: Infinity,
    rounding: 0,
    work: 0,
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
    top: Infinity,
    rounding: 0,
    work: 0,
    upperDelta: () => 1,
    // the truth is within float64 rounding of these (sensitivity / noise >= 1.8e308)
    lowerDelta: () => 1 - Number.EPSILON,
    upperEpsilon: () => Infinity,
    lowerEpsilon: () => Number.MAX_VALUE,
    details: { noNoise: 'a Gaussian stage has no effective noise (sensitivity / noise overflows float64)' },
  };
}

function buildDirection(stages: readonly Stage[], adjacency: Adjacency, resolution: Resolution, direction: Direction): DirectionAccount {
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
  return directionAccount(composeStages(others, resolution));
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
  const plain = () =>
    (poisson ??= composedAccountant(
      stages.map(({ truncation: _, ...s }) => s),
      options,
    ));
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
    notes: [
      ...(f.notes ?? []),
      `RDP cross-check (fixed-size batches: Wang, Balle, Kasiviswanathan 2019): ${quantity} <= ${rdp.toPrecision(5)}`,
    ],
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
    notes: [
      ...(f.notes ?? []),
      'balls-and-bins stages compose through their certified upper PLD: no lower bound is given for the composition',
    ],
  });
  return { epsilon: (delta) => strip(inner.epsilon(delta)), delta: (epsilon) => strip(inner.delta(epsilon)) };
}

interface Level {
  /** composed on first use: a direction that cannot move the answer is not refined (see `answer`) */
  readonly remove: DirectionAccount;
  readonly add: DirectionAccount;
  readonly interval: number;
  /** work of the directions composed at this level so far */
  readonly work: number;
}

/**
 * A direction whose figures are already settled for one query: its best figures so far, at no cost.
 * Used for the direction that cannot move the answer (its upper bound at or below the other's lower).
 */
function settledDirection(f: DirectionFigure, details: Record<string, unknown>): DirectionAccount {
  return {
    top: Infinity,
    rounding: 0,
    work: 0,
    upperDelta: () => f.upper,
    lowerDelta: () => f.lower,
    upperEpsilon: () => f.upper,
    lowerEpsilon: () => f.lower,
    details,
  };
}

/** A figure per direction at one level; the intersection over levels is what is reported. */
type Pair = { remove: DirectionFigure; add: DirectionFigure };

function intersect(a: DirectionFigure, b: DirectionFigure): DirectionFigure {
  const upper = Math.min(a.upper, b.upper);
  return { upper, lower: Math.min(upper, Math.max(a.lower, b.lower)) };
}

/** Relative width of an answer, (upper - lower) / upper (0 when both are 0). */
export function relativeWidth(f: { upper: number; lower: number }): number {
  if (f.upper === Infinity) return f.lower === Infinity ? 0 : Infinity;
  return f.upper > 0 ? (f.upper - f.lower) / f.upper : 0;
}

/** Compose once per grid level, query many times. */
function composedAccountant(stages: readonly Stage[], options: PldOptions = {}): PldAccountant {
  validate(stages);
  const fixed = options.discretization !== undefined;
  if (fixed && !(options.discretization! > 0 && options.discretization! <= 0.1))
    throw new InputError('discretization', 'a number in (0, 0.1]', options.discretization);
  const precision = options.precision ?? DEFAULT_PRECISION;
  if (!(precision >= MIN_PRECISION && precision < 1))
    throw new InputError('precision', `a number in [${MIN_PRECISION}, 1)`, options.precision);
  const adjacency = options.adjacency ?? 'add-remove';
  // without subsampling every mechanism here but the mixture of Gaussians has the same PLD in both directions
  // (symmetric noise; randomized response and the (eps, delta) pair are symmetric by construction)
  const symmetric = stages.every((s) => symmetricStage(s));
  const spreadStart = fixed ? START_LEVEL : spreadLevel(stages, adjacency);
  const levels: Level[] = [];
  let spent = 0;
  const resolutionOf = (r: number): Resolution =>
    fixed ? { interval: options.discretization! } : levelResolution(r, spreadStart - START_LEVEL);
  const level = (r: number): Level => {
    if (levels[r] === undefined) {
      const resolution = resolutionOf(r);
      const built: Partial<Record<Direction, DirectionAccount>> = {};
      let work = 0;
      const get = (d: Direction): DirectionAccount => {
        if (symmetric) d = 'remove';
        let a = built[d];
        if (a === undefined) {
          a =
            (d === 'add' &&
              r === start &&
              dominatedAdd(
                r,
                (extra) => (work += extra),
                () => get('remove'),
              )) ||
            buildDirection(stages, adjacency, resolution, d);
          if (built[d] === undefined) {
            built[d] = a;
            work += a.work;
            spent += a.work;
          }
        }
        return a;
      };
      levels[r] = {
        get remove() {
          return get('remove');
        },
        get add() {
          return get('add');
        },
        interval: resolution.interval,
        get work() {
          return work;
        },
      };
    }
    return levels[r];
  };
  /**
   * The add direction of a subsampled composition is usually far below the remove direction (its loss is
   * bounded by -log(1 - q)) and costs as much to compose (q = 1e-4, sigma 0.8, 10^6 steps: eps 0.696 against
   * 0.708, 45% of the time). At the first level it is composed PILOT_DROP level coarser first (about half the
   * work); when that coarse upper bound lies at or below the remove direction's upper bound at every delta
   * of DOMINATION_DELTAS, it stands for the add direction at this level (the answer, the larger of the two,
   * keeps its upper bound, and its lower bound unless the directions nearly tie), else the add direction is
   * composed on the level's own grid. Sound either way: both of the coarse figures are certified, and where
   * a query finds the interval too wide, refining composes the add direction on the next grid.
   */
  const dominatedAdd = (r: number, book: (work: number) => void, remove: () => DirectionAccount): DirectionAccount | undefined => {
    if (fixed || r - PILOT_DROP < 0) return undefined;
    let coarse: DirectionAccount;
    try {
      coarse = buildDirection(stages, adjacency, resolutionOf(r - PILOT_DROP), 'add');
    } catch (e) {
      if (e instanceof AccountingError) return undefined;
      throw e;
    }
    const other = remove();
    const below =
      coarse.details.closedForm === undefined &&
      other.details.closedForm === undefined &&
      DOMINATION_DELTAS.every((delta) => coarse.upperEpsilon(delta) <= other.upperEpsilon(delta));
    if (below) return coarse;
    // not used: its work is spent all the same
    book(coarse.work);
    spent += coarse.work;
    return undefined;
  };
  const certified = new Map<string, DirectionAccount | null>();
  /**
   * Direction d of level r composed again with the float64 error certified per cell (src/pld/convolution.ts:
   * tilted toward a delta or an eps where a tilt fits, else, or with `doubleDouble` always, in double-double
   * arithmetic); null when that does not fit the memory bound.
   */
  const certifiedDirection = (r: number, d: Direction, target: TiltTarget, doubleDouble: boolean): DirectionAccount | null => {
    const direction = symmetric ? 'remove' : d;
    const key = `${r}:${direction}:${JSON.stringify(target)}:${doubleDouble}`;
    if (!certified.has(key)) {
      try {
        const a = buildDirection(stages, adjacency, { ...resolutionOf(r), tiltToward: target, doubleDouble }, direction);
        spent += a.work;
        certified.set(key, a);
      } catch (e) {
        if (!(e instanceof AccountingError)) throw e;
        certified.set(key, null);
      }
    }
    return certified.get(key)!;
  };
  /**
   * `base` (if any) intersected with direction d of level r composed again with its error certified per cell,
   * and again in double-double arithmetic when a tilted composition leaves it wider than the target: a tilt
   * that fits its window can still resolve little where parts have heavy tails (stages q 5e-5, sigma 1, 200
   * steps and q 1e-4, sigma 0.9, 100 steps at delta 1e-12: [0.14504, 0.14526] tilted, [0.1450460, 0.1450464]
   * in double-double). `used` collects the methods; undefined when neither fits the memory bound.
   */
  const recomposed = (
    r: number,
    d: Direction,
    target: TiltTarget,
    base: DirectionFigure | undefined,
    figureOf: (a: DirectionAccount) => DirectionFigure,
    used: Set<string>,
  ): DirectionFigure | undefined => {
    let f = base;
    let composedAgain = false;
    for (const doubleDouble of [false, true]) {
      const a = certifiedDirection(r, d, target, doubleDouble);
      if (a === null) continue;
      composedAgain = true;
      const by = (a.details.certifiedBy as string[] | undefined) ?? [];
      for (const how of by) used.add(how);
      f = f === undefined ? figureOf(a) : intersect(f, figureOf(a));
      if (relativeWidth(f) <= precision || !by.includes('exponential tilting')) break;
    }
    return composedAgain ? f : undefined;
  };
  // the first level that fits the memory bound: the spread's, the fixed default grid's, the pilot's
  let start = fixed ? 0 : START_LEVEL;
  try {
    void level(start).remove;
    void level(start).add;
  } catch (e) {
    if (!(e instanceof AccountingError) || start === 0) throw e;
    start = 0;
  }
  const maxLevel = Math.max(MAX_LEVEL, spreadStart + LEVELS_PAST_START);
  const exact = level(start).remove.details.closedForm !== undefined;
  /** `work`: what the directions still refined cost at level r (the next level is predicted from it) */
  const canRefine = (r: number, work = levels[r].work) =>
    !fixed && !exact && r < maxLevel && spent + REFINE_COST_FACTOR * work <= workBudget(precision);

  /** Refine level by level until the relative width of the answer is at most `precision`. */
  const answer = (at: (l: Level, r: number) => Pair | string): PldFigure => {
    let best: Pair | undefined;
    let used = level(start);
    let r = start;
    let previousWidth = Infinity;
    let widthTwoBack = Infinity;
    let answered = used;
    let answeredLevel = start;
    const next = (): boolean => {
      try {
        used = level(r + 1);
      } catch (e) {
        // a finer grid that does not fit the memory bound: answer with what was reached
        if (e instanceof AccountingError) return false;
        throw e;
      }
      r++;
      return true;
    };
    /**
     * The level as this query uses it: a direction whose upper bound is at or below the other's lower bound
     * cannot move the answer (the larger upper and the larger lower both come from the other direction,
     * and intersecting only narrows both), so it is not composed again; typically the add direction of a
     * subsampled mechanism, whose figure is far below the remove direction's.
     */
    const view = (l: Level): Level => {
      if (best === undefined) return l;
      const b = best;
      const settled: Direction | undefined = b.add.upper <= b.remove.lower ? 'add' : b.remove.upper <= b.add.lower ? 'remove' : undefined;
      if (settled === undefined) return l;
      const kept = settledDirection(b[settled], answered[settled].details);
      return {
        get remove() {
          return settled === 'remove' ? kept : l.remove;
        },
        get add() {
          return settled === 'add' ? kept : l.add;
        },
        interval: l.interval,
        // what refining the other direction costs: its work at this level
        get work() {
          return settled === 'remove' ? l.add.work : l.remove.work;
        },
      };
    };
    for (;;) {
      const current = view(used);
      const figures = at(current, r);
      // a level that cannot answer (float64 rounding above delta; it varies with the block layout) is
      // skipped while refining is allowed; when nothing answered, the last refusal is the answer
      if (typeof figures === 'string') {
        if (canRefine(r) && next()) continue;
        if (best === undefined) throw new AccountingError(figures);
        break;
      }
      answered = current;
      answeredLevel = r;
      best = best === undefined ? figures : { remove: intersect(best.remove, figures.remove), add: intersect(best.add, figures.add) };
      const combined = { upper: Math.max(best.remove.upper, best.add.upper), lower: Math.max(best.remove.lower, best.add.lower) };
      const width = relativeWidth(combined);
      // stop at the target, at the bound on the work, or when the last level gained too little (the grid
      // no longer limits the width: a fine grid pinned by memory, a hard edge of the loss)
      // (an infinite upper bound is the mass at +infinity exceeding delta: no grid changes it)
      // (judged on this level's own figures: the intersection keeps a lower bound that one level got luckily
      // tight, and the next levels then seem to gain little; q = 1e-4, sigma 10, 10 steps stopped at 5e-3)
      // (and only against a level that refined the steps' fine grids too: the levels up to spreadStart hold
      // them, and a lower bound decided on the fine grid gains little there; subsampled Laplace, q 1e-4,
      // scale 2, 300 steps, delta 1e-9 stopped at level 5 with 4.9e-3)
      const own = relativeWidth({
        upper: Math.max(figures.remove.upper, figures.add.upper),
        lower: Math.max(figures.remove.lower, figures.add.lower),
      });
      const stagnant = r >= Math.max(STAGNATION_FROM_LEVEL, spreadStart + 2) && !(own <= STAGNATION ** 2 * widthTwoBack);
      if (width <= precision || !canRefine(r, view(used).work) || stagnant || combined.upper === Infinity) break;
      widthTwoBack = previousWidth;
      previousWidth = own;
      if (!next()) break;
    }
    const upper = Math.max(best!.remove.upper, best!.add.upper);
    const lower = Math.max(best!.remove.lower, best!.add.lower);
    const width = relativeWidth({ upper, lower });
    return {
      upper,
      lower,
      kind: exact ? 'exact' : 'upper',
      remove: best!.remove,
      add: best!.add,
      details: {
        discretization: answered.interval,
        ...(fixed || exact || upper === Infinity ? {} : { precision, precisionReached: width <= precision, gridLevel: answeredLevel }),
        ...(upper === Infinity ? {} : { relativeWidth: width }),
        adjacency,
        remove: answered.remove.details,
        add: answered.add.details,
      },
    };
  };
  return {
    epsilon(delta) {
      validate(stages, delta);
      const certifiedBy = new Set<string>();
      const figure = (a: DirectionAccount): DirectionFigure => ({ upper: a.upperEpsilon(delta), lower: a.lowerEpsilon(delta) });
      /** the plain figure, unless float64 rounding is too close to delta for it */
      const plainFigure = (a: DirectionAccount): DirectionFigure | undefined =>
        delta >= ROUNDING_MARGIN * a.rounding ? figure(a) : undefined;
      /** `other`: the other direction's plain figure; a direction whose upper bound is at or below its lower cannot move the answer */
      const direction = (l: Level, r: number, d: Direction, other: DirectionFigure | undefined): DirectionFigure | string => {
        const plain = l[d];
        if (plain.rounding <= TILT_ROUNDING_SHARE * delta) return figure(plain);
        const first = plainFigure(plain);
        // what the booked rounding costs the interval (it is in the upper bound's mass at +infinity and
        // in the lower bound's slack): a second composition pays when that is a noticeable part of the target,
        // even within it, so that the upper bound is not looser than a figure that ignores rounding (the
        // sweep's q 0.017, sigma 4.3, delta 6.9e-10: 3.06175 booked, 3.06141 composed again, dp_accounting 3.06141)
        const cost = first === undefined ? Infinity : (first.upper - plain.upperEpsilon(delta + 2 * plain.rounding)) / first.upper;
        if (first !== undefined && cost <= precision / ROUNDING_COST_SHARE) return first;
        if (first !== undefined && other !== undefined && first.upper <= other.lower) return first;
        // float64 rounding is a noticeable share of delta and the answer is not yet as tight as asked:
        // compose again with the error certified per cell; both are certified, so their intersection is
        const again = recomposed(r, d, { delta }, first, figure, certifiedBy);
        if (again !== undefined) return again;
        if (first !== undefined) return first;
        return (
          `delta = ${formatInput(delta)} is below what float64 FFTs resolve for this composition (rounding ~${plain.rounding.toPrecision(2)}); ` +
          `ask for delta >= ${(ROUNDING_MARGIN * plain.rounding).toPrecision(2)}`
        );
      };
      const f = answer((l, r) => {
        const plainRemove = plainFigure(l.remove);
        const plainAdd = plainFigure(l.add);
        const remove = direction(l, r, 'remove', plainAdd);
        if (typeof remove === 'string') return remove;
        const add = direction(l, r, 'add', plainRemove);
        return typeof add === 'string' ? add : { remove, add };
      });
      return certifiedBy.size > 0 ? { ...f, details: { ...f.details, ...certifiedNote(certifiedBy) } } : f;
    },
    delta(epsilon) {
      validate(stages, undefined, epsilon);
      const certifiedBy = new Set<string>();
      const figure = (a: DirectionAccount): DirectionFigure => ({ upper: a.upperDelta(epsilon), lower: a.lowerDelta(epsilon) });
      /** `other`: the other direction's plain figure (a direction below it cannot move the answer) */
      const direction = (l: Level, r: number, d: Direction, plain: DirectionFigure, other: DirectionFigure): DirectionFigure => {
        // a delta made largely of booked float64 rounding, not as tight as asked: compose again with the
        // error certified per cell (above the composition's highest loss there is nothing to resolve)
        const cost = (2 * l[d].rounding) / plain.upper;
        if (l[d].rounding <= TILT_ROUNDING_SHARE * plain.upper || relativeWidth(plain) <= precision || cost <= precision / 4) return plain;
        if (epsilon >= l[d].top || plain.upper <= other.lower) return plain;
        return recomposed(r, d, { epsilon }, plain, figure, certifiedBy) ?? plain;
      };
      const f = answer((l, r) => {
        const plainRemove = figure(l.remove);
        const plainAdd = figure(l.add);
        return { remove: direction(l, r, 'remove', plainRemove, plainAdd), add: direction(l, r, 'add', plainAdd, plainRemove) };
      });
      const g = certifiedBy.size > 0 ? { ...f, details: { ...f.details, ...certifiedNote(certifiedBy) } } : f;
      // a closed-form delta below float64's range is only bounded by the smallest double, not exact
      return g.kind === 'exact' && g.upper === Number.MIN_VALUE ? { ...g, kind: 'upper', lower: 0 } : g;
    },
  };
}

/** Smallest precision target accepted (finer answers cost more than any grid dpacct builds). */
export const MIN_PRECISION = 1e-6;

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
  const d = figure.details;
  const notes = [
    ...(figure.notes ?? []),
    ...(d.precisionReached === false
      ? [
          `PLD precision target ${formatInput(Number(d.precision))} not reached: (upper - lower) / upper = ${Number(d.relativeWidth).toPrecision(2)} ` +
            `at grid interval ${formatNumber(Number(d.discretization))} (the work bound, or a finer grid no longer narrowed the interval)`,
        ]
      : []),
  ];
  return {
    value: figure.upper,
    kind: figure.kind,
    upper: figure.upper,
    ...(figure.lower > 0 ? { lower: figure.lower } : {}),
    details: { remove: figure.remove, add: figure.add, ...figure.details },
    ...(notes.length ? { notes } : {}),
  };
}

/** The plan's PLD settings: a fixed grid when the spec gave one, otherwise the precision target. */
export function pldOptions(plan: AccountingPlan): PldOptions {
  return plan.accountant.fixedGrid
    ? { discretization: plan.accountant.discretization, adjacency: plan.adjacency }
    : { precision: plan.accountant.precision ?? DEFAULT_PRECISION, adjacency: plan.adjacency };
}

function pldSettings(plan: AccountingPlan): Record<string, unknown> {
  const o = pldOptions(plan);
  return o.discretization !== undefined
    ? { discretization: o.discretization, adjacency: plan.adjacency }
    : { precision: o.precision, adjacency: plan.adjacency };
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
  describe: (plan) => ({ name: 'pld', settings: pldSettings(plan) }),
  account(plan, query) {
    let pld = composed.get(plan);
    if (pld === undefined) {
      pld = pldAccountant(engineStages(plan), pldOptions(plan));
      composed.set(plan, pld);
    }
    return pldFigure(query.quantity === 'epsilon' ? pld.epsilon(query.delta) : pld.delta(query.epsilon));
  },
};
