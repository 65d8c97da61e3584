/**
 * Lower bounds from the max statistic (ABLQ-1 Sec. 4 for shuffling; BNB Sec. 4 for balls-and-bins).
 *
 * For T steps, noise sigma and a pair of means (a, b), a > b, consider the mixtures
 *   P = (1/T) sum_t N(a e_t, sigma^2 I_T)   and   Q = (1/T) sum_t N(b e_t, sigma^2 I_T)
 * (b = 0 makes Q = N(0, sigma^2 I_T), the balls-and-bins pair; (a, b) = (2, 1) is the shuffling pair).
 * Under the mixture with mean mu the statistic M = max_t x_t has the CDF
 *   F_mu(C) = Phi((C - mu)/sigma) Phi(C/sigma)^(T-1),
 * because whichever coordinate carries the mean, the other T - 1 are N(0, sigma^2).
 *
 * Any test set gives a valid lower bound on the hockey-stick divergence, and so does any post-processing
 * (data processing inequality). Here:
 * - single epoch: the sets {M > C} for (P || Q) ("remove") and {M <= C} for (Q || P) ("add"); we search C on
 *   a grid and refine with golden-section search; every C evaluated yields a valid bound, we keep the best;
 * - several epochs with fresh randomness each epoch: the law of M is sliced into intervals (merging outcomes
 *   is post-processing, so the sliced pair is a valid lower-bound pair) and its PLD is composed.
 * All probabilities are handled as logarithms so that T = 10^5 steps and deltas far below 1e-300 work.
 */
import { normalLogCdf, normalLogSf, normalSf } from '../numeric/normal.js';
import { logAddExp } from '../numeric/logsumexp.js';
import { bisect } from '../numeric/rootFinder.js';
import { AccountingError, InputError } from '../errors.js';
import { roundDownToGrid, type GridPmf } from './grid.js';
import { composeParts } from './compose.js';
import { deltaForEpsilon, epsilonForDelta } from './query.js';

// Math functions bound once: under jest's VM context every global `Math.x` lookup costs about 0.4 us,
// which dominates these loops (plain node is unaffected either way).
const { LN2, abs, ceil, exp, expm1, floor, log, log1p, max, min, round, sqrt } = Math;

/** The two mixtures compared: means (meanUpper, meanLower) on the target's coordinate. */
export interface MaxStatisticPair {
  /** a: mean of the target's coordinate under P (shuffling: 2, balls-and-bins: 1) */
  readonly meanUpper: number;
  /** b < a: mean under Q (shuffling: 1, balls-and-bins: 0) */
  readonly meanLower: number;
  /** sigma > 0 */
  readonly noiseMultiplier: number;
  /** T, a positive integer: the dimension of one epoch's output */
  readonly steps: number;
}

/**
 * How thresholds C are searched in the single-epoch bounds: `continuous` (default) = a 2000-point grid on the
 * range where the statistic lives, refined by golden-section search; or a fixed grid {low + i * step < high}.
 * The ABLQ authors used the grid 0, 0.01, ..., 99.99 (AUTHORS_THRESHOLD_GRID); the continuous search gives a
 * valid bound at least as large (up to about 1e-3 relative larger in the ablq.json settings).
 */
export type ThresholdSearch = 'continuous' | { readonly low: number; readonly high: number; readonly step: number };

/** The thresholds of the ABLQ authors' code: numpy.arange(0, 100, 0.01). For reproducing their tables. */
export const AUTHORS_THRESHOLD_GRID: ThresholdSearch = Object.freeze({ low: 0, high: 100, step: 0.01 });

/** remove = hockey stick of (P || Q) on {M > C}; add = (Q || P) on {M <= C} */
export type MaxStatisticDirection = 'remove' | 'add';

/** A single-epoch lower bound and the threshold C that attains it, per direction. */
export interface DirectionalLowerBound {
  readonly value: number;
  /** the threshold C of the best test set found ({M > C} for remove, {M <= C} for add) */
  readonly threshold: number;
}

export interface SingleEpochLowerBound {
  /** max over both directions; a certified lower bound (0 when the construction is uninformative) */
  readonly value: number;
  readonly remove: DirectionalLowerBound;
  readonly add: DirectionalLowerBound;
  /** number of thresholds evaluated */
  readonly evaluations: number;
}

// ---------------------------------------------------------------------------------------------------------
// CDF of the statistic, in logs

/** ln Phi(x), accurate in both tails (log1p form where Phi(x) is close to 1). */
function logPhi(x: number): number {
  return x > 0 ? log1p(-normalSf(x)) : normalLogCdf(x);
}

/** ln P(M <= c) and ln P(M > c) under the mixture with mean `mean`, both accurate to a few ulps. */
export function maxStatisticLogCdfAndSf(
  pair: MaxStatisticPair,
  mean: number,
  c: number,
): { readonly logCdf: number; readonly logSf: number } {
  const s = pair.noiseMultiplier;
  return fromParts(pair.steps, logPhi((c - mean) / s), logPhi(c / s), (c - mean) / s, c / s);
}

/**
 * logCdf = ln Phi(zMean) + (T-1) ln Phi(zZero); logSf = ln(1 - e^logCdf) (log1p or expm1 form, whichever keeps
 * the digits). When the CDF is within 1e-290 of
 * 1, -expm1 would lose digits to subnormals, and P(M > c) = Phi(-zMean) + (T-1) Phi(-zZero) up to a
 * relative error below 1e-290 (inclusion-exclusion), which we use instead.
 */
function fromParts(steps: number, logPhiMean: number, logPhiZero: number, zMean: number, zZero: number): { logCdf: number; logSf: number } {
  const logCdf = logPhiMean + (steps - 1) * logPhiZero;
  let logSf: number;
  if (logCdf > -1e-290) {
    const a = normalLogSf(zMean);
    logSf = steps > 1 ? logAddExp(a, log(steps - 1) + normalLogSf(zZero)) : a;
  } else if (logCdf < -LN2) {
    logSf = log1p(-exp(logCdf));
  } else {
    logSf = log(-expm1(logCdf));
  }
  return { logCdf, logSf };
}

/** ln(e^a - e^b) for a > b; -Infinity when a <= b. */
function logSub(a: number, b: number): number {
  if (!(a > b)) return -Infinity;
  if (b === -Infinity) return a;
  return a + log(-expm1(b - a));
}

/** The four log probabilities at one threshold: upper/lower mixture, CDF/SF. */
interface Tails {
  upperLogCdf: number;
  upperLogSf: number;
  lowerLogCdf: number;
  lowerLogSf: number;
}

function tailsAt(pair: MaxStatisticPair, c: number): Tails {
  const s = pair.noiseMultiplier;
  const zZero = c / s;
  const zUpper = (c - pair.meanUpper) / s;
  const zLower = (c - pair.meanLower) / s;
  const lz = logPhi(zZero);
  const u = fromParts(pair.steps, logPhi(zUpper), lz, zUpper, zZero);
  const l = pair.meanLower === 0 ? u0(pair.steps, lz, zZero) : fromParts(pair.steps, logPhi(zLower), lz, zLower, zZero);
  return { upperLogCdf: u.logCdf, upperLogSf: u.logSf, lowerLogCdf: l.logCdf, lowerLogSf: l.logSf };
}

/** mean 0: M is the max of T iid N(0, sigma^2) */
function u0(steps: number, logPhiZero: number, zZero: number): { logCdf: number; logSf: number } {
  return fromParts(steps, logPhiZero, logPhiZero, zZero, zZero);
}

// ---------------------------------------------------------------------------------------------------------
// Threshold range and maximization over C

/** Log probability that both tails beyond the searched range hold (under either mixture). */
const LOG_RANGE_TAIL = -700;

/**
 * The range of thresholds worth searching: [cLo, cHi] with ln P_Q(M <= cLo) = -700 and ln P_P(M > cHi) = -700.
 * Below cLo both CDFs are below e^-700 (F_upper <= F_lower: M is stochastically larger under the larger mean),
 * above cHi both survival functions are.
 */
export function maxStatisticRange(pair: MaxStatisticPair): { readonly low: number; readonly high: number } {
  const low = solveIncreasing((c) => tailsAt(pair, c).lowerLogCdf, LOG_RANGE_TAIL, pair);
  const high = solveIncreasing((c) => -tailsAt(pair, c).upperLogSf, -LOG_RANGE_TAIL, pair);
  return { low, high };
}

/** c with f(c) = target for an increasing f, by bracketing in steps of sigma and bisection. */
function solveIncreasing(f: (c: number) => number, target: number, pair: MaxStatisticPair): number {
  const step = max(pair.noiseMultiplier, abs(pair.meanUpper - pair.meanLower));
  let lo = pair.meanLower;
  let hi = pair.meanUpper;
  let width = step;
  while (f(lo) > target) {
    lo -= width;
    width *= 2;
  }
  width = step;
  while (f(hi) < target) {
    hi += width;
    width *= 2;
  }
  const b = bisect({ lo, hi, below: (c) => f(c) < target, done: (l, h) => h - l <= 1e-12 * max(1, abs(h)), maxSteps: 200 });
  return 0.5 * (b.lo + b.hi);
}

const GRID_POINTS = 2000;
const GOLDEN = (sqrt(5) - 1) / 2;

/**
 * Maximize `objective` over thresholds. Continuous: a uniform grid on the statistic's range, then
 * golden-section search in the two cells around the best grid point. Fixed grid: the grid only.
 * Returns the best point evaluated (every evaluation is a valid bound).
 */
function maximizeOverThresholds(
  objective: (c: number) => number,
  pair: MaxStatisticPair,
  search: ThresholdSearch,
): { value: number; at: number; evaluations: number } {
  const range = maxStatisticRange(pair);
  if (search !== 'continuous') return maximizeOnGrid(objective, search, range);
  const n = GRID_POINTS;
  const step = (range.high - range.low) / (n - 1);
  let best = -Infinity;
  let bestAt = range.low;
  let bestIndex = 0;
  for (let i = 0; i < n; i++) {
    const c = range.low + i * step;
    const v = objective(c);
    if (v > best) {
      best = v;
      bestAt = c;
      bestIndex = i;
    }
  }
  let evaluations = n;
  if (best === -Infinity) return { value: best, at: bestAt, evaluations };
  let a = range.low + max(0, bestIndex - 1) * step;
  let b = range.low + min(n - 1, bestIndex + 1) * step;
  let x1 = b - GOLDEN * (b - a);
  let x2 = a + GOLDEN * (b - a);
  let f1 = objective(x1);
  let f2 = objective(x2);
  evaluations += 2;
  for (let i = 0; i < 80 && b - a > 1e-13 * max(1, abs(b)); i++) {
    if (f1 >= f2) {
      b = x2;
      x2 = x1;
      f2 = f1;
      x1 = b - GOLDEN * (b - a);
      f1 = objective(x1);
    } else {
      a = x1;
      x1 = x2;
      f1 = f2;
      x2 = a + GOLDEN * (b - a);
      f2 = objective(x2);
    }
    evaluations++;
    if (f1 > best) {
      best = f1;
      bestAt = x1;
    }
    if (f2 > best) {
      best = f2;
      bestAt = x2;
    }
  }
  return { value: best, at: bestAt, evaluations };
}

/**
 * The grid points low + i * step < high that fall inside the statistic's range: outside it every objective
 * used here is below e^-700 (both CDFs or both survival functions are), so skipping them changes nothing.
 */
function maximizeOnGrid(
  objective: (c: number) => number,
  grid: { readonly low: number; readonly high: number; readonly step: number },
  range: { readonly low: number; readonly high: number },
): { value: number; at: number; evaluations: number } {
  if (!(grid.step > 0 && grid.high > grid.low && (grid.high - grid.low) / grid.step <= 1e7)) {
    throw new InputError('thresholds', 'a grid with low < high and at most 1e7 points', grid);
  }
  const n = ceil((grid.high - grid.low) / grid.step);
  const first = max(0, floor((range.low - grid.low) / grid.step));
  const last = min(n - 1, ceil((range.high - grid.low) / grid.step));
  let best = -Infinity;
  let bestAt = grid.low;
  let evaluations = 0;
  for (let i = first; i <= last; i++) {
    evaluations++;
    const c = grid.low + i * grid.step;
    const v = objective(c);
    if (v > best) {
      best = v;
      bestAt = c;
    }
  }
  return { value: best, at: bestAt, evaluations };
}

// ---------------------------------------------------------------------------------------------------------
// Single epoch

/**
 * Lower bound on delta(eps) for one epoch:
 *   remove: sup_C P(M > C) - e^eps Q(M > C);   add: sup_C Q(M <= C) - e^eps P(M <= C);
 * the larger of the two. Computed as ln(e^x - e^y) of log probabilities, so tiny deltas keep their digits.
 */
export function maxStatisticDeltaLowerBound(
  o: MaxStatisticPair & { readonly epsilon: number; readonly thresholds?: ThresholdSearch },
): SingleEpochLowerBound {
  checkPair(o);
  if (!(Number.isFinite(o.epsilon) && o.epsilon >= 0)) throw new InputError('epsilon', 'a finite number >= 0', o.epsilon);
  const eps = o.epsilon;
  const search = o.thresholds ?? 'continuous';
  const remove = maximizeOverThresholds(
    (c) => {
      const t = tailsAt(o, c);
      return logSub(t.upperLogSf, eps + t.lowerLogSf);
    },
    o,
    search,
  );
  const add = maximizeOverThresholds(
    (c) => {
      const t = tailsAt(o, c);
      return logSub(t.lowerLogCdf, eps + t.upperLogCdf);
    },
    o,
    search,
  );
  const r = { value: shaveDelta(exp(remove.value)), threshold: remove.at };
  const a = { value: shaveDelta(exp(add.value)), threshold: add.at };
  return { value: max(r.value, a.value), remove: r, add: a, evaluations: remove.evaluations + add.evaluations };
}

/**
 * Lower bound on eps(delta) for one epoch. A threshold C certifies delta(eps) > delta for every
 * eps < ln(P(M > C) - delta) - ln Q(M > C) (remove; add: ln(Q(M <= C) - delta) - ln P(M <= C)), so the
 * largest eps whose lower-bound delta still exceeds delta is the sup over C of that expression: no inner
 * root finding. 0 when no threshold certifies a positive eps.
 */
export function maxStatisticEpsilonLowerBound(
  o: MaxStatisticPair & { readonly delta: number; readonly thresholds?: ThresholdSearch },
): SingleEpochLowerBound {
  checkPair(o);
  if (!(o.delta > 0 && o.delta < 1)) throw new InputError('delta', 'a number in (0, 1)', o.delta);
  const logDelta = log(o.delta);
  const search = o.thresholds ?? 'continuous';
  const remove = maximizeOverThresholds(
    (c) => {
      const t = tailsAt(o, c);
      return logSub(t.upperLogSf, logDelta) - t.lowerLogSf;
    },
    o,
    search,
  );
  const add = maximizeOverThresholds(
    (c) => {
      const t = tailsAt(o, c);
      return logSub(t.lowerLogCdf, logDelta) - t.upperLogCdf;
    },
    o,
    search,
  );
  const r = { value: shaveEpsilon(remove.value), threshold: remove.at };
  const a = { value: shaveEpsilon(add.value), threshold: add.at };
  return { value: max(r.value, a.value), remove: r, add: a, evaluations: remove.evaluations + add.evaluations };
}

/**
 * Float64 margin: the log-space evaluation is accurate to a few ulps of the logs involved (|ln p| <= 745),
 * i.e. about 1e-13 relative in delta and 1e-13 absolute in eps; we give up 1e-12 so that rounding can never
 * lift a lower bound above the true value (e.g. above the exact Gaussian figure at T = 1).
 */
const ROUNDING_MARGIN = 1e-12;
function shaveDelta(delta: number): number {
  if (Number.isNaN(delta)) return 0;
  return delta * (1 - ROUNDING_MARGIN);
}
function shaveEpsilon(eps: number): number {
  // +Infinity: ln Q(test set) underflowed past -1.8e308, so the true eps exceeds float64's range
  if (eps === Infinity) return Number.MAX_VALUE;
  // NaN never reads as a number: 0 is always a valid lower bound
  if (Number.isNaN(eps)) return 0;
  return max(0, eps - ROUNDING_MARGIN * (1 + abs(eps)));
}

// ---------------------------------------------------------------------------------------------------------
// Slicing the statistic (for composition over epochs)

/** The law of M under both mixtures on atoms (-inf, c_0], (c_0, c_1], ..., (c_{K-1}, c_K], (c_K, inf). */
export interface MaxStatisticSlices {
  /** c_0 .. c_K */
  readonly boundaries: Float64Array;
  /** ln P(atom), K + 2 entries (first and last are the two tail atoms) */
  readonly logMassUpper: Float64Array;
  /** ln Q(atom) */
  readonly logMassLower: Float64Array;
}

/**
 * Slice the range of M into intervals of width about lossInterval * sigma^2 / (a - b), so that the privacy
 * loss (whose slope in C is at most about (a - b)/sigma^2) moves by about one grid interval per slice. The
 * tail atoms hold at most `tailMass` under either mixture; they are kept with their exact losses.
 *
 * When a and b are integer multiples of the slice width (we pick the width (a - b)/N, which makes this so for
 * the shuffling and balls-and-bins means), ln Phi((c_k - mu)/sigma) is the entry of ln Phi(c/sigma) a fixed
 * number of slices lower, so one array of normal log-CDFs serves both means and the zero coordinates.
 */
export function sliceMaxStatistic(
  o: MaxStatisticPair & {
    readonly lossInterval: number;
    readonly tailMass?: number;
    /** explicit slices low + k * gap, k = 0..count (overrides lossInterval and tailMass) */
    readonly placement?: { readonly low: number; readonly gap: number; readonly count: number };
  },
): MaxStatisticSlices {
  checkPair(o);
  if (!(o.lossInterval > 0 && o.lossInterval < 1)) {
    throw new InputError('discretization', 'a number in (0, 1)', o.lossInterval);
  }
  const a = o.meanUpper;
  const b = o.meanLower;
  const s = o.noiseMultiplier;
  const { low, gap, count } = o.placement ?? planSlices(o);
  if (!(Number.isFinite(low) && gap > 0 && Number.isSafeInteger(count) && count >= 1)) {
    throw new InputError('placement', 'finite low, gap > 0 and an integer count >= 1', o.placement);
  }
  if (count > 4 * MAX_SLICES) {
    throw new InputError('placement', `at most ${4 * MAX_SLICES} slices`, count);
  }
  const boundaries = new Float64Array(count + 1);
  for (let k = 0; k <= count; k++) boundaries[k] = low + k * gap;

  const shiftUpper = round(a / gap);
  const shiftLower = round(b / gap);
  const shared =
    abs(shiftUpper * gap - a) <= 1e-12 * max(1, abs(a)) && abs(shiftLower * gap - b) <= 1e-12 * max(1, abs(b)) && shiftLower >= 0;
  // ln Phi((c_k - shift * gap) / sigma) from one table when the means sit on the slice grid
  let table: Float64Array | undefined;
  if (shared) {
    table = new Float64Array(count + 1 + shiftUpper);
    for (let j = 0; j < table.length; j++) table[j] = logPhi((low + (j - shiftUpper) * gap) / s);
  }
  const cdfSf = (k: number, mean: number, shift: number): { logCdf: number; logSf: number } => {
    const c = boundaries[k];
    const logPhiMean = table ? table[k + shiftUpper - shift] : logPhi((c - mean) / s);
    const logPhiZero = table ? table[k + shiftUpper] : logPhi(c / s);
    return fromParts(o.steps, logPhiMean, logPhiZero, (c - mean) / s, c / s);
  };

  const logMassUpper = new Float64Array(count + 2);
  const logMassLower = new Float64Array(count + 2);
  let prevU = cdfSf(0, a, shiftUpper);
  let prevL = cdfSf(0, b, shiftLower);
  logMassUpper[0] = prevU.logCdf;
  logMassLower[0] = prevL.logCdf;
  for (let k = 1; k <= count; k++) {
    const u = cdfSf(k, a, shiftUpper);
    const l = cdfSf(k, b, shiftLower);
    logMassUpper[k] = sliceLogMass(prevU.logCdf, u.logCdf, prevU.logSf, u.logSf);
    logMassLower[k] = sliceLogMass(prevL.logCdf, l.logCdf, prevL.logSf, l.logSf);
    prevU = u;
    prevL = l;
  }
  logMassUpper[count + 1] = prevU.logSf;
  logMassLower[count + 1] = prevL.logSf;
  return { boundaries, logMassUpper, logMassLower };
}

/**
 * Where sliceMaxStatistic puts its slices: from the tailMass quantile of M under Q to the one under P, of
 * width (a - b)/N with N the smallest integer giving a loss width <= lossInterval (at the steepest slope
 * (a - b)/sigma^2), widened if more than MAX_SLICES would be needed.
 */
export function planSlices(o: MaxStatisticPair & { readonly lossInterval: number; readonly tailMass?: number }): {
  readonly low: number;
  readonly gap: number;
  readonly count: number;
} {
  const tailMass = o.tailMass ?? 1e-24;
  if (!(tailMass > 0 && tailMass < 1e-3)) throw new InputError('tailMass', 'a number in (0, 1e-3)', tailMass);
  const a = o.meanUpper;
  const b = o.meanLower;
  const s = o.noiseMultiplier;
  const logTail = log(tailMass);
  const low = solveIncreasing((c) => tailsAt(o, c).lowerLogCdf, logTail, o);
  const high = solveIncreasing((c) => -tailsAt(o, c).upperLogSf, -logTail, o);
  let gap = (a - b) / max(1, ceil((a - b) / (o.lossInterval * s * s)));
  let count = max(1, ceil((high - low) / gap));
  if (count > MAX_SLICES) {
    // wider slices: a coarser post-processing, still a valid lower-bound pair
    gap = (a - b) / max(1, floor((MAX_SLICES * (a - b)) / (high - low)));
    count = ceil((high - low) / gap);
    // a range wider than MAX_SLICES mean gaps (large sigma): slices off the means' grid, still a valid pair
    if (count > MAX_SLICES) {
      gap = (high - low) / MAX_SLICES;
      count = MAX_SLICES;
    }
  }
  return { low, gap, count };
}

/** Most slices of the statistic (memory: three float64 arrays of this length). */
const MAX_SLICES = 1 << 20;

/** ln P(c_{k-1} < M <= c_k): difference of CDFs in the lower half, of survival functions in the upper half. */
function sliceLogMass(logCdfA: number, logCdfB: number, logSfA: number, logSfB: number): number {
  return logCdfB < -LN2 ? logSub(logCdfB, logCdfA) : logSub(logSfA, logSfB);
}

/**
 * The privacy loss atoms of the sliced pair in one direction: remove has losses ln(P/Q) with P-masses, add
 * has ln(Q/P) with Q-masses. Atoms where either mass underflowed to 0 are dropped (dropping mass can only
 * lower delta, so the result stays a lower bound); their total mass is reported.
 */
export function maxStatisticLossAtoms(
  slices: MaxStatisticSlices,
  direction: MaxStatisticDirection,
): { readonly losses: Float64Array; readonly masses: Float64Array; readonly droppedMass: number } {
  const num = direction === 'remove' ? slices.logMassUpper : slices.logMassLower;
  const den = direction === 'remove' ? slices.logMassLower : slices.logMassUpper;
  const losses = new Float64Array(num.length);
  const masses = new Float64Array(num.length);
  let droppedMass = 0;
  let n = 0;
  for (let k = 0; k < num.length; k++) {
    const loss = num[k] - den[k];
    const mass = exp(num[k]);
    if (!Number.isFinite(loss) || !(mass > 0)) {
      if (mass > 0) droppedMass += mass;
      continue;
    }
    losses[n] = loss;
    masses[n] = mass;
    n++;
  }
  return { losses: losses.subarray(0, n), masses: masses.subarray(0, n), droppedMass };
}

/** Exact hockey stick of the sliced pair at eps in one direction: sum over atoms of (m_num - e^eps m_den)_+. */
export function slicedHockeyStick(slices: MaxStatisticSlices, direction: MaxStatisticDirection, epsilon: number): number {
  const num = direction === 'remove' ? slices.logMassUpper : slices.logMassLower;
  const den = direction === 'remove' ? slices.logMassLower : slices.logMassUpper;
  let sum = 0;
  for (let k = 0; k < num.length; k++) {
    const v = logSub(num[k], epsilon + den[k]);
    if (v > -Infinity) sum += exp(v);
  }
  return sum;
}

function checkPair(o: MaxStatisticPair): void {
  if (!(Number.isFinite(o.noiseMultiplier) && o.noiseMultiplier > 0)) {
    throw new InputError('noiseMultiplier', 'a finite number > 0', o.noiseMultiplier);
  }
  if (!(Number.isSafeInteger(o.steps) && o.steps >= 1)) throw new InputError('stepsPerEpoch', 'an integer >= 1', o.steps);
  if (!(Number.isFinite(o.meanUpper) && Number.isFinite(o.meanLower) && o.meanUpper > o.meanLower)) {
    throw new InputError('means', 'finite means with meanUpper > meanLower', [o.meanUpper, o.meanLower]);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Several epochs with fresh randomness: compose the sliced statistic's PLD

/** Lower bounds for E epochs, both directions; `value` is the larger. */
export interface ComposedLowerBound {
  readonly value: number;
  readonly remove: number;
  readonly add: number;
  /** the epoch count whose composition gave the value (1: the one-epoch threshold bound) */
  readonly fromEpochs?: number;
  /** the grid (its size limit) held the composition at E back; fewer epochs were tried */
  readonly gridLimited?: boolean;
}

export interface ComposedMaxStatistic {
  /** certified lower bound on delta(eps) of E epochs */
  deltaLowerBound(epsilon: number): ComposedLowerBound;
  /** certified lower bound on eps(delta) of E epochs (0 when uninformative) */
  epsilonLowerBound(delta: number): ComposedLowerBound;
  readonly details: Readonly<Record<string, unknown>>;
}

/** Default grid interval of the composed statistic (same as the PLD engine's default). */
export const DEFAULT_STATISTIC_DISCRETIZATION = 1e-4;

/**
 * E epochs, each drawing fresh randomness (dynamic shuffling, balls-and-bins): every epoch releases one
 * copy of the pair, so the statistic's PLD is composed E times. Steps, each certified to lower delta:
 *  1. slice M (post-processing: the sliced pair is dominated by the true one);
 *  2. round every atom's loss down to the grid (delta(eps) is nondecreasing in the losses);
 *  3. compose by FFT; the engine's result dominates the exact composition of the rounded PMF and differs
 *     from it by at most `surplus` in total variation, so delta_true(eps) >= delta_grid(eps) - surplus.
 */
type ComposeOptions = MaxStatisticPair & {
  readonly epochs: number;
  readonly discretization?: number;
  readonly tailMass?: number;
  readonly slicing?: 'aligned' | 'authors';
  readonly sliceWidth?: number;
  readonly gridInterval?: number;
};

/** At most this many compositions at fewer epochs are tried when the grid limits the bound at E. */
const MAX_FEWER_EPOCH_TRIES = 8;

export function composeMaxStatistic(
  o: MaxStatisticPair & {
    readonly epochs: number;
    readonly discretization?: number;
    readonly tailMass?: number;
    /**
     * aligned (default): slices of width (a - b)/N <= discretization * sigma^2 / (a - b) between the
     * tailMass quantiles; authors: the ABLQ code's slices (width discretization * sigma^2 from its
     * e^-40 / (2E) truncation quantiles), for reproducing its tables
     */
    readonly slicing?: 'aligned' | 'authors';
    /** advanced (aligned slicing): loss width of the slices and grid interval, overriding the defaults */
    readonly sliceWidth?: number;
    readonly gridInterval?: number;
  },
): ComposedMaxStatistic {
  checkPair(o);
  if (!(Number.isSafeInteger(o.epochs) && o.epochs >= 1)) throw new InputError('epochs', 'an integer >= 1', o.epochs);
  const interval = o.discretization ?? DEFAULT_STATISTIC_DISCRETIZATION;
  if (!(interval > 0 && interval <= 0.1)) throw new InputError('discretization', 'a number in (0, 0.1]', interval);
  const authors = o.slicing === 'authors';
  const pair = { meanUpper: o.meanUpper, meanLower: o.meanLower, noiseMultiplier: o.noiseMultiplier, steps: o.steps };
  // Releasing E epochs releases its first E' < E epochs too (post-processing), so a bound for fewer epochs
  // holds for E. Where the grid limits the bound at E (rounding down by up to one interval per epoch eats
  // it), compositions at the powers of two below E are tried, lazily and while they improve the bound.
  const first = composeEpochs(o);
  const runs: (ComposedEpochs | undefined)[] = [first];
  const fewerEpochs = (k: number) => 2 ** floor(Math.log2(o.epochs - 1)) / 2 ** (k - 1);
  const runAt = (k: number) => (k < runs.length ? runs[k] : (runs[k] = composeEpochs({ ...o, epochs: fewerEpochs(k) })));
  const gridLimited = !authors && o.gridInterval === undefined && o.epochs > 2 && (first === undefined || first.gridLimited);
  const bestOf = (
    query: (r: ComposedEpochs) => ComposedLowerBound,
    one: { remove: number; add: number } | undefined,
  ): ComposedLowerBound => {
    let remove = one?.remove ?? 0;
    let add = one?.add ?? 0;
    let fromEpochs = 1;
    const take = (r: ComposedEpochs | undefined): boolean => {
      if (!r) return false;
      const q = query(r);
      const improved = q.value > max(remove, add);
      if (improved) fromEpochs = r.epochs;
      remove = max(remove, q.remove);
      add = max(add, q.add);
      return improved;
    };
    let improved = take(first);
    if (gridLimited) {
      // descend while the grid limits; once a composition has helped, stop at the first that does not
      for (let k = 1; k <= MAX_FEWER_EPOCH_TRIES && fewerEpochs(k) >= 2; k++) {
        const r = runAt(k);
        const better = take(r);
        if ((improved && !better) || (r !== undefined && !r.gridLimited)) break;
        improved ||= better;
      }
    }
    return { value: max(remove, add), remove, add, fromEpochs, ...(gridLimited ? { gridLimited } : {}) };
  };
  return {
    deltaLowerBound(epsilon) {
      const one = authors ? undefined : maxStatisticDeltaLowerBound({ ...pair, epsilon });
      return bestOf((r) => r.deltaLowerBound(epsilon), one && { remove: one.remove.value, add: one.add.value });
    },
    epsilonLowerBound(delta) {
      const one = authors ? undefined : maxStatisticEpsilonLowerBound({ ...pair, delta });
      return bestOf((r) => r.epsilonLowerBound(delta), one && { remove: one.remove.value, add: one.add.value });
    },
    get details() {
      return {
        ...(first?.details ?? { composition: 'skipped: the loss of one epoch has no finite spread at this noise' }),
        ...(gridLimited ? { gridLimited: true, epochsComposed: runs.filter((r) => r !== undefined).map((r) => r!.epochs) } : {}),
      };
    },
  };
}

interface ComposedEpochs {
  readonly epochs: number;
  /** the grid interval was set by the size limit (or coarsened to fit), not by the accuracy wanted */
  readonly gridLimited: boolean;
  readonly accuracyInterval: number;
  deltaLowerBound(epsilon: number): ComposedLowerBound;
  epsilonLowerBound(delta: number): ComposedLowerBound;
  readonly details: Readonly<Record<string, unknown>>;
}

/** One composition over exactly o.epochs epochs; undefined when the one-epoch loss has no usable spread. */
function composeEpochs(o: ComposeOptions): ComposedEpochs | undefined {
  // the loss's slope (a - b)/sigma^2 overflows: no slicing resolves it (and the one-epoch bound is huge)
  if (!Number.isFinite((o.meanUpper - o.meanLower) / (o.noiseMultiplier * o.noiseMultiplier))) return undefined;
  const interval = o.discretization ?? DEFAULT_STATISTIC_DISCRETIZATION;
  if (!(interval > 0 && interval <= 0.1)) throw new InputError('discretization', 'a number in (0, 0.1]', interval);
  const tailMass = o.tailMass ?? min(1e-24, 1e-20 / o.epochs);
  const authors = o.slicing === 'authors';
  let accuracyInterval = interval;
  let slices: MaxStatisticSlices;
  let atoms: LossAtomsForComposition[];
  let spread: number;
  let gridInterval = interval;
  const atomsOf = (sl: MaxStatisticSlices) =>
    [maxStatisticLossAtoms(sl, 'remove'), maxStatisticLossAtoms(sl, 'add')].map((a) => ({ ...a, support: NaN }));
  if (authors) {
    slices = sliceMaxStatistic({ ...o, lossInterval: interval, tailMass, placement: authorsPlacement(o, interval) });
    atoms = atomsOf(slices);
    spread = min(lossSpread(atoms[0]), lossSpread(atoms[1]));
  } else {
    // slicings differ only by their plan; the widest plans (capped at MAX_SLICES) repeat, so remember the last
    let last: { key: string; slices: MaxStatisticSlices } | undefined;
    const sliceAt = (lossInterval: number) => {
      const plan = planSlices({ ...o, lossInterval, tailMass });
      const key = `${plan.low}/${plan.gap}/${plan.count}`;
      if (last?.key !== key) last = { key, slices: sliceMaxStatistic({ ...o, lossInterval, placement: plan }) };
      return last.slices;
    };
    // pilot: the per-epoch spread of the loss (in both directions), resolved by at least 32 slices
    let pilotWidth = PILOT_SLICE_WIDTH;
    let pilot = atomsOf(sliceAt(pilotWidth));
    spread = min(lossSpread(pilot[0]), lossSpread(pilot[1]));
    // no noise to speak of (sigma ~ 1e-160): the loss has no finite spread; the one-epoch bound is all there is
    if (!(spread > 0 && Number.isFinite(spread))) return undefined;
    while (spread / SLICES_PER_SPREAD < pilotWidth && pilotWidth > 1e-9) {
      const next = spread / (2 * SLICES_PER_SPREAD);
      const before = last?.key;
      pilot = atomsOf(sliceAt(next));
      pilotWidth = next;
      if (last?.key === before) break; // capped: no finer slicing available
      spread = min(lossSpread(pilot[0]), lossSpread(pilot[1]));
    }
    const width = o.sliceWidth ?? min(max(interval, spread / SLICES_PER_SPREAD_COARSEST), spread / SLICES_PER_SPREAD);
    slices = sliceAt(width);
    // far tails of the loss: drop the lowest atoms, move the highest down (both only lower delta)
    atoms = atomsOf(slices).map((a) => clipLossTails(a, CLIP_MASS / o.epochs));
    // Rounding down costs up to one interval per epoch, E * h in all, against a composed spread sqrt(E) * sd:
    // refine below the discretization until E * h <= 1% of the spread; coarsen above it while E * h stays
    // within 0.1% of the spread (wide losses, small sigma); and no finer than MAX_COMPOSED_POINTS allow.
    const support = max(...atoms.map((a) => a.support));
    const perEpochSpread = spread / sqrt(o.epochs);
    accuracyInterval = max(MIN_GRID_INTERVAL, min(interval, ROUNDING_SHARE * perEpochSpread), COARSE_ROUNDING_SHARE * perEpochSpread);
    gridInterval =
      o.gridInterval ??
      max(
        MIN_GRID_INTERVAL,
        min(interval, ROUNDING_SHARE * perEpochSpread),
        COARSE_ROUNDING_SHARE * perEpochSpread,
        (o.epochs * support) / MAX_COMPOSED_POINTS,
      );
  }
  // compose both directions on one grid; when the composition does not fit, coarsen (still a lower bound)
  let directions: ComposedDirection[] | undefined;
  for (;;) {
    try {
      directions = atoms.map((a) => composeDirection(a, gridInterval, o.epochs));
      break;
    } catch (e) {
      if (!(e instanceof AccountingError) || authors || gridInterval * 2 > MAX_GRID_INTERVAL) throw e;
      gridInterval *= 2;
    }
  }
  const [remove, add] = directions;
  const lowerDelta = (d: ComposedDirection, eps: number) => {
    const v = deltaForEpsilon(d.pmf, eps) - d.surplus;
    return v > 0 ? v : 0;
  };
  const lowerEpsilon = (d: ComposedDirection, delta: number) => {
    const eps = epsilonForDelta(d.pmf, delta + d.surplus);
    // an infinite eps would only mean mass at +infinity, which a lower bound built here never has
    return Number.isFinite(eps) ? max(0, eps) : 0;
  };
  // E epochs release the first epoch too (post-processing), so the one-epoch threshold bound also holds
  // (composeMaxStatistic takes it); it is the better one where the composed grid is too coarse for a tiny
  // per-epoch loss. Not in the authors' mode, which reproduces their tables.
  return {
    epochs: o.epochs,
    // limited: the grid is coarser than accuracy asks (for its size) and its rounding shift, up to E * h,
    // is more than 5% of the composed loss's spread sqrt(E) * sd
    gridLimited: !authors && gridInterval > accuracyInterval * (1 + 1e-9) && o.epochs * gridInterval > 0.05 * sqrt(o.epochs) * spread,
    accuracyInterval,
    deltaLowerBound(epsilon) {
      const r = lowerDelta(remove, epsilon);
      const a = lowerDelta(add, epsilon);
      return { value: max(r, a), remove: r, add: a };
    },
    epsilonLowerBound(delta) {
      const r = lowerEpsilon(remove, delta);
      const a = lowerEpsilon(add, delta);
      return { value: max(r, a), remove: r, add: a };
    },
    details: {
      discretization: interval,
      gridInterval,
      /** the rounding to the grid lowers the composed loss by at most this much (one interval per epoch) */
      maxRoundingShift: o.epochs * gridInterval,
      lossSpreadPerEpoch: spread,
      slicing: o.slicing ?? 'aligned',
      slices: slices.boundaries.length - 1,
      tailMass,
      remove: {
        surplus: remove.surplus,
        droppedMass: remove.droppedMass,
        clampedMass: atoms[0].clampedMass ?? 0,
        gridPoints: remove.gridPoints,
        fftSize: remove.fftSize,
      },
      add: {
        surplus: add.surplus,
        droppedMass: add.droppedMass,
        clampedMass: atoms[1].clampedMass ?? 0,
        gridPoints: add.gridPoints,
        fftSize: add.fftSize,
      },
    },
  };
}

/** Slices per standard deviation of the one-epoch loss: at least (finer than the discretization if need be) */
const SLICES_PER_SPREAD = 32;
/** ... and at most this many (coarser than the discretization when the spread is wide) */
const SLICES_PER_SPREAD_COARSEST = 1024;
/** loss width of the pilot slicing that measures the spread */
const PILOT_SLICE_WIDTH = 1e-2;
/** E * (grid interval) at most this share of the composed loss's standard deviation ... */
const ROUNDING_SHARE = 0.01;
/** ... and allowed up to this share even when coarser than the discretization */
const COARSE_ROUNDING_SHARE = 0.001;
const MIN_GRID_INTERVAL = 1e-7;
const MAX_GRID_INTERVAL = 0.05;

interface ComposedDirection {
  readonly pmf: GridPmf;
  readonly surplus: number;
  readonly droppedMass: number;
  readonly gridPoints: number;
  readonly fftSize: number;
}

function composeDirection(
  atoms: { readonly losses: Float64Array; readonly masses: Float64Array; readonly droppedMass: number },
  interval: number,
  epochs: number,
): ComposedDirection {
  const pmf = roundDownToGrid({ losses: atoms.losses, masses: atoms.masses, infinityMass: 0, interval });
  const composed = composeParts([{ pmf, count: epochs }], { tail: COMPOSITION_TAIL });
  return {
    pmf: composed.pmf,
    surplus: composed.surplus,
    droppedMass: atoms.droppedMass,
    gridPoints: composed.pmf.masses.length,
    fftSize: composed.size,
  };
}

/** Mass (per epoch, divided by E) cut from each tail of the one-epoch loss before composing. */
const CLIP_MASS = 1e-24;
/**
 * E times the clipped one-epoch support at most this many grid points. (A pessimistic size: the
 * engine's window, from Chernoff bounds, is usually far narrower; when even that does not fit, the grid is
 * coarsened and the composition retried.)
 */
const MAX_COMPOSED_POINTS = 1 << 22;
const CLIP_BINS = 4096;

interface LossAtomsForComposition {
  readonly losses: Float64Array;
  readonly masses: Float64Array;
  readonly droppedMass: number;
  readonly clampedMass?: number;
  /** highest minus lowest loss kept */
  readonly support: number;
}

/**
 * Cut the far tails of a one-epoch loss: atoms in the lowest bins holding at most `mass` are dropped, atoms in
 * the highest bins holding at most `mass` are moved down to the lowest loss of those bins. Both can only
 * lower delta(eps), so the result stays a lower bound; they bound the grid the composition needs.
 */
function clipLossTails(
  atoms: { readonly losses: Float64Array; readonly masses: Float64Array; readonly droppedMass: number },
  mass: number,
): LossAtomsForComposition {
  const { losses, masses } = atoms;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < losses.length; i++) {
    lo = min(lo, losses[i]);
    hi = max(hi, losses[i]);
  }
  if (!(hi > lo)) return { ...atoms, clampedMass: 0, support: 0 };
  const width = (hi - lo) / CLIP_BINS;
  const bins = new Float64Array(CLIP_BINS + 1);
  const binOf = (l: number) => min(CLIP_BINS, floor((l - lo) / width));
  for (let i = 0; i < losses.length; i++) bins[binOf(losses[i])] += masses[i];
  // first kept bin: the mass strictly below it is <= mass; last unclamped bin likewise from above
  let first = 0;
  for (let acc = 0; first < CLIP_BINS && acc + bins[first] <= mass; first++) acc += bins[first];
  let last = CLIP_BINS;
  for (let acc = 0; last > first && acc + bins[last] <= mass; last--) acc += bins[last];
  const cap = lo + (last + 1) * width; // atoms in bins above `last` are moved down to here (or below)
  const keptLosses = new Float64Array(losses.length);
  const keptMasses = new Float64Array(losses.length);
  let n = 0;
  let droppedMass = atoms.droppedMass;
  let clampedMass = 0;
  let low = Infinity;
  let high = -Infinity;
  for (let i = 0; i < losses.length; i++) {
    const bin = binOf(losses[i]);
    if (bin < first) {
      droppedMass += masses[i];
      continue;
    }
    let l = losses[i];
    if (bin > last && l > cap) {
      l = cap;
      clampedMass += masses[i];
    }
    keptLosses[n] = l;
    keptMasses[n] = masses[i];
    low = min(low, l);
    high = max(high, l);
    n++;
  }
  return {
    losses: keptLosses.subarray(0, n),
    masses: keptMasses.subarray(0, n),
    droppedMass,
    clampedMass,
    support: high - low,
  };
}

/** Standard deviation of the loss under the atoms' masses. */
function lossSpread(atoms: { readonly losses: Float64Array; readonly masses: Float64Array }): number {
  let m0 = 0;
  let m1 = 0;
  for (let i = 0; i < atoms.losses.length; i++) {
    m0 += atoms.masses[i];
    m1 += atoms.masses[i] * atoms.losses[i];
  }
  const mean = m1 / m0;
  let m2 = 0;
  for (let i = 0; i < atoms.losses.length; i++) m2 += atoms.masses[i] * (atoms.losses[i] - mean) ** 2;
  return sqrt(m2 / m0);
}

/**
 * The slices of the ABLQ authors' code (dpsgd_bounds.py, _get_single_epoch_pld): truncation mass
 * tau = e^-40 / (2E); low = sigma * Phi^-1(tau^(1/T)); high = a + sigma * Phi^-1(1 - (1 - (1 - tau)^(1/T)));
 * width discretization * sigma^2; numpy.arange(low, high, width) starts the slices.
 */
function authorsPlacement(o: MaxStatisticPair & { readonly epochs: number }, interval: number) {
  const logTau = -40 - log(o.epochs) - LN2;
  const s = o.noiseMultiplier;
  const x = rootOfIncreasing((z) => logPhi(z) - logTau / o.steps, -50, 50);
  const upperTail = -expm1(log1p(-exp(logTau)) / o.steps);
  const y = rootOfIncreasing((z) => log(upperTail) - normalLogSf(z), -50, 50);
  const low = s * x;
  const high = o.meanUpper + s * y;
  const gap = interval * s * s;
  return { low, gap, count: ceil((high - low) / gap) };
}

/** root of an increasing function on [lo, hi] by bisection */
function rootOfIncreasing(f: (x: number) => number, lo: number, hi: number): number {
  const b = bisect({ lo, hi, below: (x) => f(x) < 0, done: (l, h) => h - l <= 1e-15 * max(1, abs(h)), maxSteps: 200 });
  return 0.5 * (b.lo + b.hi);
}

/** Mass the composition may book outside its window, per side (subtracted from the lower bound). */
const COMPOSITION_TAIL = 1e-20;
