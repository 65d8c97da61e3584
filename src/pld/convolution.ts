/**
 * Composition by FFT with exponential tilting (or in double-double arithmetic), for small deltas, and a
 * certified bound on its rounding in every cell.
 *
 * A float64 FFT makes errors of about 1e-16 times the total mass in every output cell, so a plain
 * composition cannot resolve delta much below 1e-11: the tail that decides a small delta is drowned in
 * noise of the size of the bulk. Tilting each part by e^(lambda l) (and normalising it by its moment
 * generating function M_p(lambda)) moves the bulk of the mass to the tail; since e^(lambda (l1 + l2)) =
 * e^(lambda l1) e^(lambda l2), the composition of the tilted parts is the tilted composition, and
 *   m(l) = t(l) e^(K - lambda l),  K = sum_p count_p ln M_p(lambda),
 * untilts it exactly. An absolute error eps_t per tilted cell becomes eps_t e^(K - lambda l) at loss l:
 * relative to the tail where delta is decided, negligible far below the bulk's 1e-16, huge far above
 * the losses that matter. The cells where that envelope exceeds 1 carry no information; their mass is
 * moved up to the lowest informative cell (pessimistic) or dropped (optimistic).
 *
 * eps_t is bounded per frequency, not guessed: a forward transform of a signal with L1 norm s errs by at
 * most gamma s in each coefficient, gamma = c log2(N) u (u = 2^-53; Higham, Accuracy and Stability of
 * Numerical Algorithms, 2nd ed., section 24.1, componentwise), and
 *   |a^n - b^n| <= n |a - b| max(|a|, |b|)^(n - 1)
 * turns that into a bound on each coefficient of the product of powers; repeated squaring adds relative
 * error about n u (the conditioning of z -> z^n). The inverse transform of the product then errs in each
 * cell by at most (1/N) sum_k |error_k| plus gamma (1/N) sum_k |Y_k|. All of it is computed from the
 * spectra at hand. (For a plain composition this bound is thousands of times the actual error, which is
 * why compose.ts estimates that instead; tilted, the bound is relative to the tail and small enough.)
 *
 * Wrap-around: tilted mass beyond the top of the window folds onto low cells, where untilting multiplies
 * it by up to e^(lambda N h). It is at most the tilted tail above the window (a Chernoff bound on the tilted
 * parts) times e^(K - lambda l) at cell l, so it joins eps_t. Mass from below the window folds up and
 * untilting shrinks it: at most the plain mass below the window, counted by the caller.
 *
 * Heavy upper tails (small sampling rates): the loss density of a subsampled Gaussian step is log-convex
 * between its bulk near 0 and its Gaussian far tail, so the tilt that would lift the losses deciding delta
 * piles the tilted mass at the top of the step's range instead, and the window must grow many times over.
 * There the same bound is computed for a composition in double-double arithmetic (convolveDoubleDouble,
 * doubleDouble.ts): untilted, every cell errs by about 1e-28 of the total mass, which resolves deltas far
 * below float64's reach whatever the tail's shape, in 3 to 6 times the time of a float64 composition.
 */
import type { GridPmf } from './grid.js';
import { logMgf, massAtOrAbove, upperTailEnd, type Part } from './chernoff.js';
import { inverseHalfToReal, multiplyByPowerHalf, nextPowerOfTwo, realHalfSpectrum } from './fft.js';
import {
  DD_PRODUCT_ERROR,
  DD_STAGE_ERROR,
  ddComplexArray,
  ddModulus,
  ddMultiplyByPower,
  ddRealInverse,
  ddRealSpectrum,
  type DdComplexArray,
} from './doubleDouble.js';

// bound once: global Math lookups are slow in hot loops under some module loaders (jest's vm)
const { abs, exp, expm1, log, log2, max, sqrt } = Math;

const UNIT_ROUNDOFF = 2 ** -53;
/** Error constant per FFT stage (complex multiply-add with a rounded twiddle is about 6.7 u; doubled). */
const STAGE_ERROR = 16 * UNIT_ROUNDOFF;
/** Tilted mass allowed above the window (it joins the per-cell error, far below the FFT's). */
const TILTED_TAIL = 1e-30;

/** A tilted part: masses t_i = m_i e^(lambda l_i - ln M), summing to 1. */
interface TiltedPart {
  readonly pmf: GridPmf;
  readonly count: number;
  /** ln M_p(lambda) of the finite masses */
  readonly logMgf: number;
  /** ln of the finite mass of the untilted part */
  readonly logMass: number;
}

function tiltPart({ pmf, count }: Part, lambda: number): TiltedPart {
  const logM = logMgf(pmf, lambda);
  const { masses, offset, interval: h } = pmf;
  const tilted = new Float64Array(masses.length);
  let mass = 0;
  for (let i = 0; i < masses.length; i++) {
    const m = masses[i];
    if (m > 0) {
      mass += m;
      tilted[i] = exp(log(m) + lambda * (offset + i) * h - logM);
    }
  }
  return { pmf: { interval: h, offset, masses: tilted, infinityMass: 0 }, count, logMgf: logM, logMass: log(mass) };
}

export interface Convolution {
  /** untilted composed masses on the window (float64 values, noise included; may be negative) */
  readonly values: Float64Array;
  /** |error| at window cell r is at most exp(logError + K - lambda l_r) */
  readonly logError: number;
  readonly logScale: number;
  readonly lambda: number;
  /** ln of the exact composition's total finite mass */
  readonly logTotal: number;
  /** relative float64 error of the untilted values and of the envelope (tilting, K, exp) */
  readonly relative: number;
  readonly size: number;
}

/**
 * The highest grid index the tilted composition needs in its window so that its tilted mass above is
 * negligible (TILTED_TAIL).
 */
export function tiltedHighIndex(parts: readonly Part[], lambda: number, width: number): number {
  const rough = roughCopies(
    parts.map((p) => ({ pmf: tiltPart(p, lambda).pmf, count: p.count })),
    width,
  );
  const h = parts[0].pmf.interval;
  return Math.ceil(upperTailEnd(rough, TILTED_TAIL) / h);
}

/** Points kept in the copies of tilted parts on which Chernoff bounds are searched. */
const ROUGH_POINTS = 4096;
/** Largest shift of the composition that the rough copies' rounding up may cause, relative to its window. */
const ROUGH_SHIFT = 0.05;

/**
 * Copies of the parts with each mass moved up to a coarser grid (roundedUp), as coarse as ROUGH_POINTS
 * asks but never moving the composition up by more than ROUGH_SHIFT of a window `width` (loss units) wide:
 * many copies of a part each rounded up by a coarse cell would move it far.
 */
function roughCopies(parts: readonly Part[], width: number): Part[] {
  return parts.map(({ pmf, count }) => {
    const limit = Math.floor((ROUGH_SHIFT * width) / (parts.length * count * pmf.interval)) + 1;
    return { pmf: roundedUp(pmf, Math.min(limit, Math.ceil(pmf.masses.length / ROUGH_POINTS))), count };
  });
}

/**
 * The PMF on a grid `factor` times coarser, each mass moved up to the next coarse point: its moment
 * generating function at any positive argument is at least the original's, so Chernoff bounds on upper
 * tails computed from it are valid for the original (and cost little).
 */
function roundedUp(pmf: GridPmf, factor: number): GridPmf {
  if (factor <= 1) return pmf;
  const first = Math.floor(pmf.offset / factor);
  const masses = new Float64Array(Math.ceil((pmf.offset + pmf.masses.length - 1) / factor) - first + 1);
  for (let i = 0; i < pmf.masses.length; i++) masses[Math.ceil((pmf.offset + i) / factor) - first] += pmf.masses[i];
  return { interval: pmf.interval * factor, offset: first, masses, infinityMass: pmf.infinityMass };
}

/**
 * Composition of the parts in the window lowIndex .. lowIndex + points - 1 (grid indices), tilted by
 * lambda > 0, with a certified per-cell error envelope (see above). No part may fold onto itself (its
 * tilted tail would come back amplified), so the FFT is at least as long as every part.
 */
export function convolve(parts: readonly Part[], lowIndex: number, points: number, lambda: number): Convolution {
  const h = parts[0].pmf.interval;
  const tilted = parts.map((p) => tiltPart(p, lambda));
  let longest = points;
  for (const p of tilted) longest = max(longest, p.pmf.masses.length);
  const size = nextPowerOfTwo(longest);
  const half = size / 2;
  const gamma = (log2(size) + 3) * STAGE_ERROR;
  // per frequency: ln R_k = sum count ln(|X_k| + d) and S_k = sum count (d / (|X_k| + d) + 6u)
  const logR = new Float64Array(half + 1);
  const sum = new Float64Array(half + 1);
  let base = 0;
  let product: Float64Array | null = null;
  let logScale = 0;
  let logTotal = 0;
  let totalCount = 0;
  let logMagnitudes = 0;
  for (const { pmf, count, logMgf: logM, logMass } of tilted) {
    base += count * pmf.offset;
    logScale += count * logM;
    logTotal += count * logMass;
    totalCount += count;
    logMagnitudes += count * abs(logM);
    const signal = new Float64Array(size);
    signal.set(pmf.masses);
    let l1 = 0;
    for (let i = 0; i < pmf.masses.length; i++) l1 += pmf.masses[i];
    const spectrum = realHalfSpectrum(signal);
    const d = gamma * l1;
    for (let k = 0; k <= half; k++) {
      const re = spectrum[2 * k];
      const im = spectrum[2 * k + 1];
      const a = sqrt(re * re + im * im) + d;
      logR[k] += count * log(a);
      sum[k] += count * (d / a + 6 * UNIT_ROUNDOFF);
    }
    if (product === null) {
      multiplyByPowerHalf(spectrum, spectrum, size, count, true);
      product = spectrum;
    } else multiplyByPowerHalf(product, spectrum, size, count);
  }
  const spectrum = product!;
  // (1/N) sum over all N frequencies; k and N - k share a modulus for real signals
  let error = 0;
  for (let k = 0; k <= half; k++) {
    const weight = k === 0 || k === half ? 1 : 2;
    const r = exp(logR[k]);
    const s = sum[k] + 4 * UNIT_ROUNDOFF * tilted.length;
    const coefficient = s > 30 ? exp(logR[k] + s) : r * expm1(s);
    // a coefficient set to zero (negligible power) errs by at most its true modulus, below R_k
    const zeroed = spectrum[2 * k] === 0 && spectrum[2 * k + 1] === 0 ? r : 0;
    error += weight * (coefficient + zeroed + gamma * (r + coefficient));
  }
  error /= size;
  // tilted mass above the window folds onto low cells
  const aboveTilted = massAtOrAbove(roughCopies(tilted, points * h), (lowIndex + points) * h);
  const folded = inverseHalfToReal(spectrum, size);
  const values = new Float64Array(points);
  const shift = (((lowIndex - base) % size) + size) % size;
  for (let r = 0; r < points; r++) {
    const v = folded[(shift + r) % size];
    const factor = logScale - lambda * (lowIndex + r) * h;
    values[r] = factor > 700 ? (v === 0 ? 0 : Infinity) : v * exp(factor);
  }
  const relative = 8 * UNIT_ROUNDOFF * (totalCount + logMagnitudes + abs(logScale) + abs(lambda * (lowIndex + points) * h) + 10);
  return {
    values,
    logError: log(error + aboveTilted),
    logScale,
    lambda,
    logTotal,
    relative,
    size,
  };
}

/**
 * Double-double spectra kept for the next composition of the same masses at the same size (a stage's blocks
 * and its leftover block compose the same step PMF; each transform costs as much as several float64
 * compositions). Weakly keyed: a spectrum goes with its masses. Read only.
 */
const spectra = new WeakMap<Float64Array, { size: number; spectrum: DdComplexArray }>();

function realSpectrumOnce(masses: Float64Array, size: number): DdComplexArray {
  const kept = spectra.get(masses);
  if (kept !== undefined && kept.size === size) return kept.spectrum;
  const spectrum = ddRealSpectrum(masses, size);
  spectra.set(masses, { size, spectrum });
  return spectrum;
}

/**
 * Composition of the parts in the window lowIndex .. lowIndex + points - 1 in double-double arithmetic
 * (doubleDouble.ts), untilted, with the per-cell error bound of `convolve` (lambda = 0) computed with the
 * double-double unit (about 1e-28 of the total mass per cell instead of 1e-16). Mass outside the window folds
 * in as in a plain composition (the caller books it); no part folds onto itself (the transform is at least
 * as long as every part), so the inputs are the float64 masses exactly.
 */
export function convolveDoubleDouble(parts: readonly Part[], lowIndex: number, points: number): Convolution {
  let longest = points;
  for (const p of parts) longest = max(longest, p.pmf.masses.length);
  const size = Math.max(16, nextPowerOfTwo(longest));
  const gamma = (log2(size) + 3) * DD_STAGE_ERROR;
  // real signals: the spectrum's first half (k = 0 .. N/2) determines it
  const half = size / 2;
  const logR = new Float64Array(half + 1);
  const sum = new Float64Array(half + 1);
  let product: DdComplexArray | undefined;
  let base = 0;
  let logTotal = 0;
  for (const { pmf, count } of parts) {
    base += count * pmf.offset;
    let l1 = 0;
    for (let i = 0; i < pmf.masses.length; i++) l1 += pmf.masses[i];
    logTotal += count * log(l1);
    const spectrum = realSpectrumOnce(pmf.masses, size);
    // |X_k| <= |computed X_k| (1 + 4u) + d, d the transform's componentwise bound
    const d = gamma * l1 * (1 + 1e-12);
    const powering = (2 * count + 1) * DD_PRODUCT_ERROR;
    for (let k = 0; k <= half; k++) {
      const a = ddModulus(spectrum, k) * (1 + 4 * UNIT_ROUNDOFF) + d;
      logR[k] += count * log(a);
      sum[k] += count * (d / a) + powering;
    }
    if (product === undefined) {
      product = ddComplexArray(half + 1);
      ddMultiplyByPower(product, spectrum, count, true);
    } else ddMultiplyByPower(product, spectrum, count);
  }
  let error = 0;
  for (let k = 0; k <= half; k++) {
    const weight = k === 0 || k === half ? 1 : 2;
    const r = exp(logR[k]);
    const s = sum[k];
    const coefficient = s > 30 ? exp(logR[k] + s) : r * expm1(s);
    const zeroed = product!.reHi[k] === 0 && product!.imHi[k] === 0 ? r : 0;
    error += weight * (coefficient + zeroed + gamma * (r + coefficient));
  }
  // (1/N) sum over the N frequencies; the float64 evaluation of this bound and underflow near 1e-300 are
  // covered by the factor and the absolute term
  error = (error / size) * (1 + 1e-9) + 1e-290;
  const folded = ddRealInverse(product!, size);
  const values = new Float64Array(points);
  const shift = (((lowIndex - base) % size) + size) % size;
  for (let r = 0; r < points; r++) {
    values[r] = folded[(shift + r) % size];
  }
  return { values, logError: log(error), logScale: 0, lambda: 0, logTotal, relative: 2 * UNIT_ROUNDOFF, size };
}

/**
 * The certified pessimistic and optimistic PMFs from a tilted convolution. Cells whose error envelope
 * exceeds 1 are uninformative: the pessimistic PMF moves all mass that may lie at or below the lowest
 * informative cell there (the exact total minus what is certainly above), the optimistic one drops it.
 * `foldedUp` bounds the mass folded up from below the window (it may sit in the cells counted as certainly
 * above). Returns null when no cell of the window is informative.
 */
export function certifiedPmfs(
  c: Convolution,
  lowIndex: number,
  h: number,
  foldedUp: number,
): { upper: Float64Array; lower: Float64Array } | null {
  const { values, logError, logScale, lambda, relative } = c;
  const points = values.length;
  // envelope(r) = exp(logError + logScale - lambda l_r) <= 1 from cell first on
  let first = -1;
  for (let r = 0; r < points; r++) {
    if (logError + logScale - lambda * (lowIndex + r) * h <= 0) {
      first = r;
      break;
    }
  }
  if (first < 0) return null;
  const upper = new Float64Array(points);
  const lower = new Float64Array(points);
  let certainAbove = 0;
  for (let r = first + 1; r < points; r++) {
    const envelope = exp(logError + logScale - lambda * (lowIndex + r) * h);
    const v = values[r];
    upper[r] = (max(0, v) + envelope) * (1 + relative);
    lower[r] = max(0, (v - envelope) * (1 - relative));
    certainAbove += lower[r];
  }
  if (first === 0) {
    const envelope = exp(logError + logScale - lambda * lowIndex * h);
    upper[0] = (max(0, values[0]) + envelope) * (1 + relative);
    lower[0] = max(0, (values[0] - envelope) * (1 - relative));
  } else upper[first] = max(0, exp(c.logTotal) * (1 + relative) - certainAbove + foldedUp);
  return { upper, lower };
}
