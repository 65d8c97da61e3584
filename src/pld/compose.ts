/**
 * Composition of grid PMFs by FFT: one forward transform per distinct part, a pointwise power for its count,
 * one inverse transform (shared/design/accounting.md section 2).
 *
 * The circular convolution folds mass outside the window back into it. The window is sized by Chernoff
 * bounds (chernoff.ts) so that the mass outside is at most `tail` on each side, and that mass is booked
 * against the user: the mass that may lie above the window is added at +infinity. Mass from below the
 * window folds onto higher losses (pessimistic), mass from above folds onto lower losses and is covered by
 * the booking, so the result dominates the true composition (it may carry a little surplus mass).
 *
 * Chernoff bounds are loose for the heavy right tail of subsampled mechanisms (their moment generating
 * function grows fast), so a wide window is tightened with a pilot: the same composition on a grid
 * 2^k times coarser, which dominates the fine one (connect-the-dots), bounds its finite upper tail through
 *   mu(b <= S < inf) <= (delta(b - d) - m_inf) / (1 - e^(-d)).
 * Below the window, any PLD has mu(S <= c) <= e^c (its Q-mass is at most 1).
 *
 * Float64 rounding of plain compositions is estimated and booked at +infinity (convolveInWindow); tilted
 * compositions (convolution.ts) carry a certified per-cell bound in their masses instead.
 */
import { coarsen, type GridPmf } from './grid.js';
import { massAtOrBelow, tailWindow, type Part } from './chernoff.js';
import { certifiedPmfs, convolve, convolveDoubleDouble, tiltedHighIndex, type Convolution } from './convolution.js';
import { epsilonForDelta } from './query.js';
import { foldedSignal, inverseHalfToReal, multiplyByPowerHalf, nextPowerOfTwo, realHalfSpectrum } from './fft.js';
import { AccountingError } from '../errors.js';

// bound once: global Math lookups are slow in hot loops under some module loaders (jest's vm)
const { ceil, exp, expm1, floor, log, log1p, min, round } = Math;

export interface Composition {
  /** dominates the composition of the parts (may carry surplus mass) */
  readonly pmf: GridPmf;
  /**
   * upper bound on the surplus: total-variation distance between `pmf` and the exact composition of the
   * parts' PMFs (booked tails and folded copies); used when a lower bound is derived from `pmf`
   */
  readonly surplus: number;
  /** FFT size used */
  readonly size: number;
  /**
   * float64 rounding booked at +infinity (an estimate, see convolveInWindow; 0 when tilted: the certified
   * per-cell bound of convolution.ts is then in the masses)
   */
  readonly rounding: number;
  /** the window kept: grid indices lowIndex .. lowIndex + points - 1 (an optimistic twin reuses it) */
  readonly window: CompositionWindow;
  /** how the float64 error was certified per cell, if it was: the optimistic twin must use the same */
  readonly certified?: CertifiedArithmetic;
}

/**
 * Compositions whose error is certified per cell (convolution.ts): tilted by e^(tilt * loss), or computed in
 * double-double arithmetic.
 */
export type CertifiedArithmetic = { readonly tilt: number } | { readonly doubleDouble: true };

function certifiedConvolution(parts: readonly Part[], lowIndex: number, points: number, how: CertifiedArithmetic): Convolution {
  return 'tilt' in how ? convolve(parts, lowIndex, points, how.tilt) : convolveDoubleDouble(parts, lowIndex, points);
}

/**
 * Tilting moves mass far into the upper tail when a part has a heavy one (small sampling rates), and the
 * window must then reach much higher: a tilted window at most TILT_WINDOW_GROWTH times the plain one (as
 * Chernoff bounds size it) is accepted. Beyond that a smaller tilt would fit but resolves little (the heavy
 * tail's log-density is convex: no single exponential flattens it near the losses that decide delta), so
 * such compositions are done in double-double arithmetic in the plain window instead (convolution.ts).
 */
const TILT_WINDOW_GROWTH = 4;

/** The top of the tilted window when it fits TILT_WINDOW_GROWTH times the plain one, else undefined. */
function tiltedWindowTop(
  parts: readonly Part[],
  lambda: number,
  lowIndex: number,
  highIndex: number,
  chernoffHigh: number,
): number | undefined {
  const allowed = lowIndex + TILT_WINDOW_GROWTH * (chernoffHigh - lowIndex + 1);
  const high = Math.max(highIndex, tiltedHighIndex(parts, lambda, (chernoffHigh - lowIndex + 1) * parts[0].pmf.interval));
  return high <= allowed ? high : undefined;
}

export interface CompositionWindow {
  readonly lowIndex: number;
  readonly points: number;
}

/** An optimistic composition (optimistic.ts): delta(eps) of `pmf` minus `slack` bounds the truth from below. */
export interface OptimisticComposition {
  readonly pmf: GridPmf;
  /** P-mass that may have moved to a higher loss (folded up from below the window, float64 noise) */
  readonly slack: number;
}

/** Mass of an optimistic composition allowed below its window (it folds up and is subtracted as slack). */
const OPTIMISTIC_MASS_BELOW = 1e-18;

/** Largest FFT size (points) dpacct will use: 2^22 float64 complex values take 64 MiB per array. */
export const MAX_FFT_SIZE = 1 << 22;

/** Windows wider than this many points are tightened with a pilot composition. */
const PILOT_POINTS = 1 << 15;
const PILOT_GAPS = [0.02, 0.05, 0.1, 0.2, 0.5, 1];
const PILOT_TAIL_FRACTION = 1e-3;

export interface ComposeOptions {
  /** composed mass allowed outside the window on each side (booked against the user) */
  readonly tail: number;
  readonly maxSize?: number;
  readonly pilot?: boolean;
  /** compose tilted by e^(tilt * loss) (convolution.ts): float64 error relative to the tail near that tilt's losses */
  readonly tilt?: number;
  /** compose in double-double arithmetic (convolution.ts), the error certified per cell */
  readonly doubleDouble?: boolean;
}

/** Composition of `count` copies of every part. All parts share one grid interval. */
export function composeParts(parts: readonly Part[], options: ComposeOptions): Composition {
  const active = parts.filter((p) => p.count > 0);
  if (active.length === 0) throw new RangeError('nothing to compose');
  const h = active[0].pmf.interval;
  for (const p of active) {
    if (p.pmf.interval !== h) throw new RangeError('parts must share one grid interval');
    if (!Number.isInteger(p.count) || p.count < 0) throw new RangeError('counts must be non-negative integers');
  }
  // mass at +infinity: 1 - prod (1 - m_inf)^count
  let logFinite = 0;
  for (const p of active) logFinite += p.count * log1p(-min(1, p.pmf.infinityMass));
  const infinityMass = -expm1(logFinite);

  if (active.length === 1 && active[0].count === 1) {
    const pmf = active[0].pmf;
    return { pmf, surplus: 0, size: pmf.masses.length, rounding: 0, window: { lowIndex: pmf.offset, points: pmf.masses.length } };
  }

  const window = tailWindow(active, options.tail);
  let lowIndex = round(window.low / h);
  let highIndex = round(window.high / h);
  let massAbove = window.massAbove;
  let massBelow = window.massBelow;
  if (options.pilot !== false && highIndex - lowIndex > PILOT_POINTS) {
    const factor = nextPowerOfTwo(ceil((highIndex - lowIndex) / (PILOT_POINTS / 2)));
    // the pilot books its own cut-off tail at +infinity too: keep that far below the budget asked here
    const pilot = composeParts(
      active.map((p) => ({ pmf: coarsen(p.pmf, factor), count: p.count })),
      { ...options, tail: options.tail * PILOT_TAIL_FRACTION, pilot: false, tilt: undefined, doubleDouble: false },
    );
    // the gap d trades the factor 1/(1 - e^-d) against the distance d; try a few and keep the best end
    for (const gap of PILOT_GAPS) {
      const cut = epsilonForDelta(pilot.pmf, infinityMass + options.tail * -expm1(-gap));
      if (Number.isFinite(cut) && ceil((cut + gap) / h) < highIndex) {
        highIndex = ceil((cut + gap) / h);
        massAbove = options.tail;
      }
    }
    const logTail = log(options.tail);
    if (floor(logTail / h) > lowIndex) {
      lowIndex = floor(logTail / h);
      massBelow = min(1, exp((lowIndex - 1) * h) * (1 + pilot.surplus));
    }
  }
  // (measured against the Chernoff window: the pilot tightens only the plain composition's upper end)
  const chernoffHigh = Math.max(highIndex, round(window.high / h));
  let certified: CertifiedArithmetic | undefined = options.doubleDouble ? { doubleDouble: true } : undefined;
  if (options.tilt !== undefined && !options.doubleDouble) {
    const top = tiltedWindowTop(active, options.tilt, lowIndex, highIndex, chernoffHigh);
    // the tilt does not fit (a heavy upper tail): double-double arithmetic in the plain window instead
    certified = top === undefined ? { doubleDouble: true } : { tilt: options.tilt };
    if (top !== undefined) highIndex = top;
  }
  const points = highIndex - lowIndex + 1;
  if (!(points >= 1 && Number.isSafeInteger(points)))
    throw new AccountingError(`the composed privacy loss has no usable grid window at interval ${h}`);
  const size = nextPowerOfTwo(points);
  const maxSize = options.maxSize ?? MAX_FFT_SIZE;
  if (size > maxSize) {
    throw new AccountingError(
      `the composed privacy loss spans ${points} grid points at interval ${h}, more than ${maxSize}; ` +
        `use a coarser accountant.discretization`,
    );
  }
  if (certified !== undefined) {
    // certified transforms are at least as long as every part (no part may fold onto itself): refuse before
    // allocating them
    if (active.some((p) => nextPowerOfTwo(p.pmf.masses.length) > maxSize))
      throw new AccountingError(`a part spans more than ${maxSize} grid points at interval ${h}`);
    const convolution = certifiedConvolution(active, lowIndex, points, certified);
    const pmfs = certifiedPmfs(convolution, lowIndex, h, massBelow);
    if (pmfs === null) throw new AccountingError(`the certified composition resolves no loss in its window`);
    return {
      pmf: { interval: h, offset: lowIndex, masses: pmfs.upper, infinityMass: min(1, infinityMass + massAbove) },
      // the uninformative cells' mass sits in one cell: no total-variation bound
      surplus: Infinity,
      size: convolution.size,
      rounding: 0,
      window: { lowIndex, points },
      certified,
    };
  }
  const { masses, rounding } = convolveInWindow(active, lowIndex, points, size);
  return {
    pmf: { interval: h, offset: lowIndex, masses, infinityMass: min(1, infinityMass + massAbove + rounding) },
    surplus: 2 * massAbove + massBelow + 2 * rounding,
    size,
    rounding,
    window: { lowIndex, points },
  };
}

/**
 * The composition of optimistic parts in a given window (the pessimistic twin's). Mass above the window
 * folds onto lower losses, which only lowers delta; mass folded up from below the window and float64
 * noise are returned as slack.
 */
export function composeOptimistic(
  parts: readonly Part[],
  window: CompositionWindow,
  certified?: CertifiedArithmetic,
): OptimisticComposition {
  const active = parts.filter((p) => p.count > 0);
  if (active.length === 0) throw new RangeError('nothing to compose');
  const h = active[0].pmf.interval;
  let logFinite = 0;
  for (const p of active) logFinite += p.count * log1p(-min(1, p.pmf.infinityMass));
  const infinityMass = -expm1(logFinite);
  if (active.length === 1 && active[0].count === 1) return { pmf: active[0].pmf, slack: 0 };
  let { lowIndex, points } = window;
  let massBelow = massAtOrBelow(active, (lowIndex - 1) * h);
  if (massBelow > OPTIMISTIC_MASS_BELOW) {
    // the optimistic parts reach further down than the pessimistic window (rounding down, merged cells):
    // extend the window down to where their own Chernoff bound allows, or their folded-up mass swamps delta
    // (q = 1.2e-5, sigma 0.52, 10^4 steps: 4.7e-3 below the pessimistic window, 7e-19 below their own)
    const low = floor(tailWindow(active, OPTIMISTIC_MASS_BELOW).low / h);
    if (low < lowIndex) {
      points += lowIndex - low;
      lowIndex = low;
      massBelow = massAtOrBelow(active, (lowIndex - 1) * h);
    }
  }
  if (certified !== undefined) {
    const pmfs = certifiedPmfs(certifiedConvolution(active, lowIndex, points, certified), lowIndex, h, massBelow);
    // no informative cell: nothing certain, the empty PMF is a (trivial) lower bound
    const masses = pmfs === null ? new Float64Array(points) : pmfs.lower;
    return { pmf: { interval: h, offset: lowIndex, masses, infinityMass }, slack: massBelow };
  }
  const size = nextPowerOfTwo(points);
  const { masses, rounding } = convolveInWindow(active, lowIndex, points, size);
  return { pmf: { interval: h, offset: lowIndex, masses, infinityMass }, slack: massBelow + rounding };
}

/**
 * Circular convolution (FFT of size `size`) of the parts, read out at grid indices lowIndex .. + points - 1.
 * Negative float64 noise is dropped. `rounding` estimates the float64 error of the whole window: the larger
 * of twice the negative mass (noise of both signs, the positive half assumed as large) and the shift of
 * one sign that the powering z -> z^n makes through frequency 0: its relative error is about n u
 * (u = 2^-53), which moves every cell by about 2 n u |Y_0| / N, unseen by the negative mass where the
 * cells are positive. An estimate, not a bound: the certified per-cell bound (convolution.ts) is far
 * larger for plain compositions, so it is used only for tilted ones, where it is relative to the tail.
 */
function convolveInWindow(
  active: readonly Part[],
  lowIndex: number,
  points: number,
  size: number,
): { masses: Float64Array; rounding: number } {
  // position p of the buffer holds absolute grid indices congruent to base + p (mod size)
  let base = 0;
  let totalCount = 0;
  let product: Float64Array | null = null;
  for (const { pmf, count } of active) {
    base += count * pmf.offset;
    totalCount += count;
    const signal = foldedSignal(pmf.masses, size);
    const spectrum = realHalfSpectrum(signal);
    if (product === null) {
      multiplyByPowerHalf(spectrum, spectrum, size, count, true);
      product = spectrum;
    } else multiplyByPowerHalf(product, spectrum, size, count);
  }
  const powering = ((2 * totalCount * 2 ** -53 * Math.hypot(product![0], product![1])) / size) * points;
  const folded = inverseHalfToReal(product!, size);
  let negative = 0;
  for (let i = 0; i < size; i++) if (folded[i] < 0) negative -= folded[i];
  if (!Number.isFinite(negative)) throw new AccountingError('the FFT composition produced a non-finite mass');
  const masses = new Float64Array(points);
  const shift = (((lowIndex - base) % size) + size) % size;
  const firstRun = min(points, size - shift);
  for (let r = 0; r < firstRun; r++) {
    const v = folded[shift + r];
    masses[r] = v > 0 ? v : 0;
  }
  for (let r = firstRun; r < points; r++) {
    const v = folded[shift + r - size];
    masses[r] = v > 0 ? v : 0;
  }
  return { masses, rounding: Math.max(2 * negative, powering) };
}
