/**
 * Certified PLDs of balls-and-bins sampling (random allocation: each example in one of T steps per epoch,
 * uniformly, fresh each epoch) with the Gaussian mechanism, composed over E epochs.
 *
 * One epoch is dominated by P = (1/T) sum_t N(e_t, s^2 I) against Q = N(0, s^2 I) (shared/design/accounting.md
 * section 4). With Y_t = exp(x_t / s^2 - 1/(2 s^2)) the remove loss is L = ln((1/T) sum_t Y_t):
 * - under Q the ln Y_t are i.i.d. N(-mu, 1/s^2), mu = 1/(2 s^2);
 * - under P one of them (by symmetry, the first) is N(+mu, 1/s^2) instead.
 * So the remove PLD (law of L under P) is the law of ln(w e^{Y*} + (1 - w) e^{M}), w = 1/T, where M is the
 * log-mean of T - 1 Q-factors; the add PLD (law of -L under Q) needs the log-mean of T Q-factors
 * (FS26, arXiv 2602.17284, treat the directions separately the same way). logMean.ts builds these laws with
 * every value rounded up (upper bounds) or down (lower bounds); delta(eps) is nondecreasing in each epoch's
 * loss, so the rounded laws bound delta of the composition from above and below.
 */
import { AccountingError } from '../errors.js';
import { composeParts } from './compose.js';
import type { GridPmf } from './grid.js';
import type { DiscreteLossModel } from './lossModels.js';
import { TAIL_BUDGET } from './pipeline.js';
import { deltaForEpsilon, epsilonForDelta } from './query.js';
import { combineLogMeans, logMeanLaw, logMeanLevels, logNormalFactor, type LogGridLaw } from './logMean.js';
import { formatInput } from '../numeric/format.js';

const { max, min } = Math;

export interface RandomAllocationSetting {
  readonly noiseMultiplier: number;
  readonly stepsPerEpoch: number;
  readonly epochs: number;
  /** grid interval of the log-mean laws; default from defaultLogMeanInterval */
  readonly interval?: number;
  /** progress in combination levels */
  readonly onProgress?: (done: number, total: number) => void;
}

/** One direction's bounds on delta(eps) and eps(delta) after all epochs. */
export interface DirectionBounds {
  upperDelta(eps: number): number;
  lowerDelta(eps: number): number;
  upperEpsilon(delta: number): number;
  lowerEpsilon(delta: number): number;
  readonly details: Readonly<Record<string, unknown>>;
}

/** Largest number of grid points of the one-factor law, and the coarsest interval used. */
const MAX_POINTS = 400_000;
const MAX_INTERVAL = 0.05;
const MAX_SPAN = 600;

/** Tail mass per side cut from each intermediate law (booked at +/- infinity, see logMean.ts). */
const LAW_TAIL = 1e-22;

/**
 * Interval of the log grid. The upper bounds are mean-preserving (no drift); the lower bound rounds down at
 * each of the ~log2(T) + 1 levels of the combination tree, about h/2 each in expectation, in every epoch, so the
 * interval between the two grows like E x depth x h / 2 while the work grows like 1 / h^2. This keeps the width
 * near 0.01 for one epoch at a cost of seconds, and lets it grow slowly with E.
 */
export function defaultLogMeanInterval(stepsPerEpoch: number, epochs: number): number {
  const depth = Math.log2(Math.max(2, stepsPerEpoch)) + 1;
  const h = 0.014 / (depth * Math.pow(epochs, 0.25));
  // not below 1e-3: the work grows like 1 / h^2 and only the lower bound gains (the upper one has no drift)
  return min(2e-3, max(1e-3, h));
}

/** The remove PLD (law of L = Z under P, i.e. the null law tilted by X = e^Z). */
function tiltedPmf(law: LogGridLaw, infinityMass: number): GridPmf {
  const { interval: h, offset } = law;
  const masses = new Float64Array(law.masses.length);
  for (let i = 0; i < masses.length; i++) masses[i] = law.masses[i] * Math.exp((offset + i) * h);
  return { interval: h, offset, masses, infinityMass: min(1, infinityMass) };
}

/** The add PLD (law of -Z under the null hypothesis). */
function negatedPmf(law: LogGridLaw, infinityMass: number): GridPmf {
  const n = law.masses.length;
  const masses = new Float64Array(n);
  for (let i = 0; i < n; i++) masses[i] = law.masses[n - 1 - i];
  return { interval: law.interval, offset: -(law.offset + n - 1), masses, infinityMass: min(1, infinityMass) };
}

export interface RandomAllocationPlds {
  readonly interval: number;
  /** one-epoch PLDs that dominate the true ones (delta from them is an upper bound, also after composition) */
  readonly removeUpper: GridPmf;
  readonly addUpper: GridPmf;
  /** one-epoch remove PLD dominated by the true one, up to `removeLowerSlack` of total variation */
  readonly removeLower: GridPmf;
  readonly removeLowerSlack: number;
}

/** One epoch's certified PLDs. */
export function randomAllocationEpochPlds(o: RandomAllocationSetting): RandomAllocationPlds {
  const sigma = o.noiseMultiplier;
  const T = o.stepsPerEpoch;
  const s = 1 / sigma;
  // the one-factor law and its tilt span about s^2 + 20 s: keep that within MAX_POINTS (a coarser grid is
  // still certified)
  const h = max(o.interval ?? defaultLogMeanInterval(T, o.epochs), (s * s + 20 * s) / MAX_POINTS);
  // e^z on the grid must stay far from overflow (logMean.ts tilts by e^(j h) over the whole span)
  if (!(s * s + 20 * s <= MAX_SPAN))
    throw new AccountingError(
      `sigma = ${formatInput(sigma)} is too small for the random-allocation PLD (its loss spans more than ${MAX_SPAN})`,
    );
  if (!(h <= MAX_INTERVAL))
    throw new AccountingError(
      `sigma = ${formatInput(sigma)} is too small for the random-allocation PLD (its grid would need an interval above ${MAX_INTERVAL})`,
    );
  const total = logMeanLevels(T) + (T > 1 ? logMeanLevels(T - 1) + 1 : 0);
  let done = 0;
  const tick = () => o.onProgress?.(++done, total);
  const spread = logMeanLaw(logNormalFactor(s, h, 'spread', LAW_TAIL), T, 'spread', LAW_TAIL, tick);
  // lower bound: the remove loss under P is ln(w Y* + (1 - w) M), Y* the factor that holds the example (its law
  // tilted), M the mean of the other T - 1; rounding down in P keeps all P-mass (tilting a rounded-down null
  // law would lose some)
  const star = logNormalFactor(s, h, 'down', LAW_TAIL, true);
  let down = star;
  if (T > 1) {
    const rest = logMeanLaw(logNormalFactor(s, h, 'down', LAW_TAIL), T - 1, 'down', LAW_TAIL, tick);
    down = combineLogMeans(star, rest, 1 / T, 'down', LAW_TAIL);
    tick();
  }
  return {
    interval: h,
    // remove: X = +infinity counts with its mean in X (its mass under P); X = 0 has no mass under P
    removeUpper: tiltedPmf(spread, spread.infinityMean + spread.floatErrorTilted),
    // add: X = 0 is loss +infinity; X = +infinity (loss -infinity) is counted as +infinity too (a tiny mass)
    addUpper: negatedPmf(spread, spread.zeroMass + spread.infinityMass + spread.floatError),
    removeLower: { interval: h, offset: down.offset, masses: down.masses, infinityMass: 0 },
    removeLowerSlack: down.floatError,
  };
}

function composeEpochs(pmf: GridPmf, epochs: number) {
  return composeParts([{ pmf, count: epochs }], { tail: TAIL_BUDGET });
}

/** Bounds for one direction after `epochs` epochs; without a lower PLD the lower bounds are 0. */
function directionBounds(upperPmf: GridPmf, lowerPmf: GridPmf | null, lowerSlack: number, epochs: number): DirectionBounds {
  const upper = composeEpochs(upperPmf, epochs);
  const lower = lowerPmf === null ? null : composeEpochs(lowerPmf, epochs);
  // the lower composition may carry surplus mass (window folding, FFT rounding; compose.ts), doubled because
  // the rounded-down law's Q-mass can exceed 1 slightly, which compose.ts's pilot bound assumes it does not;
  // float error of the one-epoch masses grows at most linearly with the number of copies
  const slack = lower === null ? 0 : 2 * lower.surplus + epochs * lowerSlack;
  return {
    upperDelta: (eps) => deltaForEpsilon(upper.pmf, eps),
    lowerDelta: (eps) => (lower === null ? 0 : max(0, deltaForEpsilon(lower.pmf, eps) - slack)),
    upperEpsilon: (delta) => epsilonForDelta(upper.pmf, delta),
    lowerEpsilon: (delta) => {
      if (lower === null) return 0;
      const e = epsilonForDelta(lower.pmf, delta + slack);
      return Number.isFinite(e) ? e : 0;
    },
    details: {
      infinityMass: upper.pmf.infinityMass,
      floatRounding: upper.rounding,
      gridPoints: upper.pmf.masses.length,
      ...(lower === null ? {} : { lowerSlack: slack }),
    },
  };
}

export interface RandomAllocationAccount {
  readonly interval: number;
  readonly remove: DirectionBounds;
  readonly add: DirectionBounds;
}

/** Build once, query many times. */
export function randomAllocationAccount(o: RandomAllocationSetting): RandomAllocationAccount {
  const plds = randomAllocationEpochPlds(o);
  return {
    interval: plds.interval,
    remove: directionBounds(plds.removeUpper, plds.removeLower, plds.removeLowerSlack, o.epochs),
    // no lower bound of its own for the add direction: the remove lower bound already bounds the larger of the two
    add: directionBounds(plds.addUpper, null, 0, o.epochs),
  };
}

/** The last epoch PLDs built (a composed plan asks for both directions of one stage in turn). */
let lastBuilt: { key: string; plds: RandomAllocationPlds } | undefined;

/**
 * One epoch of a balls-and-bins stage as a single-step loss model for the PLD pipeline (src/pld/pipeline.ts),
 * composed there with other stages: the upper PLD of the direction (a genuine PLD that dominates the true
 * one, so the pipeline's connect-the-dots re-rounding keeps it dominating). It carries no lower bound: a
 * lower bound computed from it would bound this upper PLD, not the true one.
 */
export function randomAllocationLoss(sigma: number, stepsPerEpoch: number, epochs: number, direction: 'remove' | 'add'): DiscreteLossModel {
  const key = `${sigma} ${stepsPerEpoch} ${epochs}`;
  if (lastBuilt?.key !== key) lastBuilt = { key, plds: randomAllocationEpochPlds({ noiseMultiplier: sigma, stepsPerEpoch, epochs }) };
  const pmf = direction === 'remove' ? lastBuilt.plds.removeUpper : lastBuilt.plds.addUpper;
  const losses = new Float64Array(pmf.masses.length);
  for (let i = 0; i < losses.length; i++) losses[i] = (pmf.offset + i) * pmf.interval;
  return {
    type: 'discrete',
    atoms: { losses, masses: pmf.masses, infinityMass: pmf.infinityMass },
    label: `balls-and-bins epoch (T=${stepsPerEpoch}) Gaussian(sigma=${sigma}), ${direction}, upper`,
  };
}
