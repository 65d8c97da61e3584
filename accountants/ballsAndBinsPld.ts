/**
 * Balls-and-bins (random allocation: each unit joins one uniformly random batch of T per epoch, fresh each
 * epoch) under the accountant contract: a certified interval [lower, upper] on epsilon or delta from the
 * PLD of src/pld/randomAllocation.ts (both directions, composed over the epochs), kind `upper`. At T = 1 it
 * is the Gaussian mechanism (closed form, kind `exact`).
 *
 * `accountant.method` (--method) picks Feldman & Shenfeld 2025's cheaper, looser upper bounds instead
 * (accountants/ballsAndBins/fallbacks.ts): `decomposition` (one epoch) or `rdp`.
 *
 * Monte Carlo (accountants/ballsAndBins/accountant.ts) runs only when a sample count is asked for, and its
 * figure goes beside the certified one (details.monteCarlo and a note), never instead of it.
 */
import { AccountingError } from '../src/errors.js';
import { gaussianBatchStage, type AccountingPlan, type Query } from '../src/plan.js';
import type { Figure } from '../src/result.js';
import { randomAllocationAccount, type RandomAllocationAccount } from '../src/pld/randomAllocation.js';
import { analyticGaussianDelta, analyticGaussianEpsilon } from './deterministic.js';
import type { Accountant, AccountOptions } from './contract.js';
import { formatInput, formatNumber } from '../src/numeric/format.js';
import { decompositionBound, type DecompositionBound } from './ballsAndBins/decomposition.js';
import { decompositionFigure, rdpFigure } from './ballsAndBins/fallbacks.js';
import { pldOptions, relativeWidth } from './pld.js';
import { logMeanLevels } from '../src/pld/logMean.js';

const METHOD = 'random-allocation PLD (log-mean of T log-normal factors, both directions; Feldman & Shenfeld 2026)';

function setting(plan: AccountingPlan) {
  const s = gaussianBatchStage(plan, 'balls-and-bins');
  if (typeof s === 'string') throw new AccountingError(s);
  return s;
}

/**
 * The PLDs of a plan, queried as often as asked (delta curves, budget checks): level 0 at the default log
 * grid, level k at that interval / 2^k, built only when an explicit precision target asks for them.
 */
const built = new WeakMap<AccountingPlan, RandomAllocationAccount[]>();

function accountAt(plan: AccountingPlan, level: number, options: AccountOptions): RandomAllocationAccount {
  let levels = built.get(plan);
  if (levels === undefined) built.set(plan, (levels = []));
  while (levels.length <= level) {
    const interval = levels.length === 0 ? undefined : levels[0].interval / 2 ** levels.length;
    const progress = options.onProgress ? { onProgress: options.onProgress } : {};
    levels.push(randomAllocationAccount({ ...setting(plan), ...(interval === undefined ? {} : { interval }), ...progress }));
  }
  return levels[level];
}

/**
 * Bounds of the refinement for an explicit precision target. Work is counted in (combination levels) x
 * (points of the one-factor law)^2, which is how the log-mean laws' cost grows (0.3-1 ns per unit measured on
 * a 2-core machine, so the last level costs at most about 10-30 s); halving the interval costs about 4 times
 * the work and narrows only the lower bound (the upper one has no drift).
 */
const REFINEMENT_WORK_BOUND = 3e10;
const MAX_REFINEMENTS = 3;

function refinementWork(s: { noiseMultiplier: number; stepsPerEpoch: number }, interval: number): number {
  const inv = 1 / s.noiseMultiplier;
  const points = (inv * inv + 20 * inv) / interval;
  const T = s.stepsPerEpoch;
  return (logMeanLevels(T) + logMeanLevels(T - 1) + 1) * points * points;
}

/** Both directions' bounds of one level for a query. */
function levelBounds(a: RandomAllocationAccount, query: Query) {
  const byDelta = query.quantity === 'delta';
  const remove = byDelta
    ? { upper: a.remove.upperDelta(query.epsilon), lower: a.remove.lowerDelta(query.epsilon) }
    : { upper: a.remove.upperEpsilon(query.delta), lower: a.remove.lowerEpsilon(query.delta) };
  const add = { upper: byDelta ? a.add.upperDelta(query.epsilon) : a.add.upperEpsilon(query.delta) };
  return { remove, add, upper: Math.max(remove.upper, add.upper), lower: remove.lower };
}

/**
 * The Poisson PLD settings of the decomposition: a grid or precision the user gave, else a fixed grid of
 * DECOMPOSITION_GRID. The decomposition has no lower bound, so a width target means nothing for it, and the
 * pessimistic grid at 1e-3 moves its figures by about 1e-4 relative (T = 1000-1563) at a tenth of the cost.
 */
function decompositionPldOptions(plan: AccountingPlan) {
  const given = plan.accountant.fixedGrid || plan.accountant.precision !== undefined;
  return given ? pldOptions(plan) : { discretization: DECOMPOSITION_GRID, adjacency: plan.adjacency };
}
const DECOMPOSITION_GRID = 1e-3;

/** One decomposition bound per plan (its Poisson PLD is composed once). */
const decompositions = new WeakMap<AccountingPlan, DecompositionBound>();

function certifiedFigure(plan: AccountingPlan, query: Query, options: AccountOptions): Figure {
  const s = setting(plan);
  const method = plan.accountant.method ?? 'pld';
  if (s.stepsPerEpoch === 1) {
    // one batch per epoch: every unit is in every step, a Gaussian at sigma / sqrt(E)
    const sigma = s.noiseMultiplier / Math.sqrt(s.epochs);
    const details = { method: 'Gaussian mechanism (T = 1), analytic (Balle & Wang 2018)', effectiveSigma: sigma };
    if (query.quantity === 'delta') {
      const d = analyticGaussianDelta({ noiseMultiplier: sigma, epsilon: query.epsilon });
      return { value: d, kind: 'exact', lower: d, upper: d, details };
    }
    const e = analyticGaussianEpsilon({ noiseMultiplier: sigma, delta: query.delta });
    return { value: e.upper, kind: 'exact', lower: e.lower, upper: e.upper, details };
  }
  if (method === 'rdp') return rdpFigure(s, query);
  if (method === 'decomposition') {
    let bound = decompositions.get(plan);
    if (bound === undefined) {
      // refuses (AccountingError, exit 3) outside the theorem: more than one epoch
      bound = decompositionBound(s, decompositionPldOptions(plan));
      decompositions.set(plan, bound);
    }
    return decompositionFigure(bound, query);
  }
  let a: RandomAllocationAccount;
  try {
    a = accountAt(plan, 0, options);
  } catch (e) {
    if (!(e instanceof AccountingError)) throw e;
    return jointConvexityFigure(s, query, e.message);
  }
  let b = levelBounds(a, query);
  let { upper, lower } = b;
  // an explicit precision target refines the log grid (each level's bounds are certified: keep the tightest)
  const target = plan.accountant.precision;
  const width = () => relativeWidth({ upper, lower });
  if (target !== undefined)
    for (
      let level = 1;
      level <= MAX_REFINEMENTS && width() > target && refinementWork(s, a.interval / 2) <= REFINEMENT_WORK_BOUND;
      level++
    ) {
      a = accountAt(plan, level, options);
      b = levelBounds(a, query);
      upper = Math.min(upper, b.upper);
      lower = Math.min(upper, Math.max(lower, b.lower));
    }
  const words = `certified by the random-allocation PLD at grid interval ${a.interval.toPrecision(3)} (both directions, ${s.epochs} epoch${s.epochs === 1 ? '' : 's'})`;
  const reached = target === undefined ? undefined : width() <= target;
  return {
    value: upper,
    kind: 'upper',
    upper,
    ...(lower > 0 ? { lower } : {}),
    details: {
      method: METHOD,
      interval: a.interval,
      remove: b.remove,
      add: b.add,
      relativeWidth: width(),
      ...(target === undefined ? {} : { precision: target, precisionReached: reached }),
      removeDetails: a.remove.details,
      addDetails: a.add.details,
    },
    notes: [
      `${query.quantity} is ${words}.`,
      ...(reached === false
        ? [
            `precision target ${formatInput(target!)} not reached: (upper - lower) / upper = ${width().toPrecision(2)} at grid interval ` +
              `${a.interval.toPrecision(3)} (the work bound: a finer log grid costs about 4 times as much and narrows only the lower bound)`,
          ]
        : []),
    ],
  };
}

/**
 * Fallback when the PLD cannot be built (tiny sigma, a composed window too large): deterministic batches'
 * Gaussian at sigma / sqrt(E) dominates balls-and-bins (joint convexity; BNB), a certified but looser bound.
 */
function jointConvexityFigure(s: { noiseMultiplier: number; epochs: number }, query: Query, why: string): Figure {
  const sigma = s.noiseMultiplier / Math.sqrt(s.epochs);
  const details = { method: 'deterministic batches (joint convexity), a looser certified bound', effectiveSigma: sigma, why };
  const notes = [
    `The random-allocation PLD is not available here (${why}); the figure is the looser certified bound of deterministic batches.`,
  ];
  if (query.quantity === 'delta') {
    const d = analyticGaussianDelta({ noiseMultiplier: sigma, epsilon: query.epsilon });
    return { value: d, kind: 'upper', upper: d, details, notes };
  }
  const e = analyticGaussianEpsilon({ noiseMultiplier: sigma, delta: query.delta }).upper;
  return { value: e, kind: 'upper', upper: e, details, notes };
}

/** The Monte Carlo figure as a detail and notes beside the certified one. */
function withEstimate(certified: Figure, estimate: Figure): Figure {
  const resolved = estimate.kind === 'estimate';
  const words = resolved ? formatNumber(estimate.value) : 'not resolved';
  // the Monte Carlo accountant's own fallback headline is not ours: drop the note that describes it
  const own = (estimate.notes ?? []).filter((n) => !n.startsWith('The figure shown is'));
  return {
    ...certified,
    details: { ...certified.details, monteCarlo: { value: estimate.value, kind: estimate.kind, ...estimate.details } },
    notes: [...(certified.notes ?? []), `Monte Carlo estimate beside it (not a certified bound): ${words}.`, ...own],
  };
}

async function monteCarlo() {
  return (await import('./ballsAndBins/accountant.js')).ballsAndBinsAccountant;
}

export const ballsAndBinsPldAccountant: Accountant = {
  name: 'balls-and-bins',
  compareAs: { sampler: 'balls-and-bins' },
  supports(plan) {
    const s = gaussianBatchStage(plan, 'balls-and-bins');
    return typeof s === 'string' ? s : true;
  },
  describe: (plan) => ({
    name: `balls-and-bins ${plan.accountant.method ?? 'pld'}`,
    settings: {
      adjacency: plan.adjacency,
      ...(plan.accountant.method ? { method: plan.accountant.method } : {}),
      ...(plan.accountant.monteCarlo.requested ? { monteCarlo: plan.accountant.monteCarlo } : {}),
    },
  }),
  async account(plan, query, options = {}) {
    if (!plan.accountant.monteCarlo.requested) return certifiedFigure(plan, query, options);
    // Monte Carlo first: its cost check refuses an unaffordable run before any work
    const estimate = await (await monteCarlo()).account(plan, query, options);
    return withEstimate(certifiedFigure(plan, query, {}), estimate);
  },
  async accountMany(plan, queries: readonly Query[], options = {}) {
    if (!plan.accountant.monteCarlo.requested) return queries.map((q) => certifiedFigure(plan, q, options));
    const estimates = await (await monteCarlo()).accountMany!(plan, queries, options);
    return queries.map((q, i) => withEstimate(certifiedFigure(plan, q, {}), estimates[i]));
  },
};
