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
 */
import { coarsen, type GridPmf } from './grid.js';
import { massAtOrBelow, tailWindow, type Part } from './chernoff.js';
import { epsilonForDelta } from './query.js';
import { inverseHalfToReal, multiplyByPowerHalf, nextPowerOfTwo, realHalfSpectrum } from './fft.js';
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
  /** float64 rounding booked at +infinity (twice the negative mass the inverse transform produced) */
  readonly rounding: number;
  /** the window kept: grid indices lowIndex .. lowIndex + points - 1 (an optimistic twin reuses it) */
  readonly window: CompositionWindow;
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

/** Largest FFT size (points) dpacct will use: 2^22 float64 complex values take 64 MiB per array. */
export const MAX_FFT_SIZE = 1 << 22;

/** The masses folded modulo `size` (circular convolution only sees indices modulo the FFT size). */
function wrapped(masses: Float64Array, size: number): Float64Array {
  const signal = new Float64Array(size);
  if (masses.length <= size) {
    signal.set(masses);
    return signal;
  }
  for (let start = 0; start < masses.length; start += size) {
    const end = min(masses.length, start + size);
    for (let i = start; i < end; i++) signal[i - start] += masses[i];
  }
  return signal;
}

/** Windows wider than this many points are tightened with a pilot composition. */
const PILOT_POINTS = 1 << 15;
const PILOT_GAPS = [0.02, 0.05, 0.1, 0.2, 0.5, 1];
const PILOT_TAIL_FRACTION = 1e-3;

/** Composition of `count` copies of every part. All parts share one grid interval. */
export function composeParts(parts: readonly Part[], options: { tail: number; maxSize?: number; pilot?: boolean }): Composition {
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
      { ...options, tail: options.tail * PILOT_TAIL_FRACTION, pilot: false },
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
export function composeOptimistic(parts: readonly Part[], window: CompositionWindow): OptimisticComposition {
  const active = parts.filter((p) => p.count > 0);
  if (active.length === 0) throw new RangeError('nothing to compose');
  const h = active[0].pmf.interval;
  let logFinite = 0;
  for (const p of active) logFinite += p.count * log1p(-min(1, p.pmf.infinityMass));
  const infinityMass = -expm1(logFinite);
  if (active.length === 1 && active[0].count === 1) return { pmf: active[0].pmf, slack: 0 };
  const { lowIndex, points } = window;
  const size = nextPowerOfTwo(points);
  const { masses, rounding } = convolveInWindow(active, lowIndex, points, size);
  const massBelow = massAtOrBelow(active, (lowIndex - 1) * h);
  return { pmf: { interval: h, offset: lowIndex, masses, infinityMass }, slack: massBelow + rounding };
}

/**
 * Circular convolution (FFT of size `size`) of the parts, read out at grid indices lowIndex .. + points - 1;
 * negative float64 noise is dropped and twice its mass returned as `rounding` (the positive half of the
 * noise is assumed as large).
 */
function convolveInWindow(
  active: readonly Part[],
  lowIndex: number,
  points: number,
  size: number,
): { masses: Float64Array; rounding: number } {
  // position p of the buffer holds absolute grid indices congruent to base + p (mod size)
  let base = 0;
  let product: Float64Array | null = null;
  for (const { pmf, count } of active) {
    base += count * pmf.offset;
    const signal = wrapped(pmf.masses, size);
    const spectrum = realHalfSpectrum(signal);
    if (product === null) {
      multiplyByPowerHalf(spectrum, spectrum, size, count, true);
      product = spectrum;
    } else multiplyByPowerHalf(product, spectrum, size, count);
  }
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
  return { masses, rounding: 2 * negative };
}
