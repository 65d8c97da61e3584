/**
 * Deterministic batches (ABLQ-1, "D" sampler): the data are cut into T fixed batches and every example is in
 * exactly one batch per epoch, so over E epochs one example's contribution is E releases of a sensitivity-1
 * Gaussian, i.e. one Gaussian with noise sigma / sqrt(E). The privacy profile is then exact (Balle & Wang 2018,
 * "analytic Gaussian", Theorem 8):
 *
 *   delta(eps) = Phi(1/(2s) - eps s) - e^eps Phi(-1/(2s) - eps s),   s = sigma / sqrt(E).
 *
 * The pair (N(1, s^2), N(0, s^2)) is symmetric, so the add and remove directions coincide.
 */
import erfcx from '@stdlib/math-base-special-erfcx';
import { normalCdf, normalLogCdf } from '../src/numeric/normal.js';
import { AccountingError, InputError } from '../src/errors.js';
import { bisect } from '../src/numeric/rootFinder.js';
import { gaussianBatchStage, gaussianSensitivity } from '../src/plan.js';
import type { Figure } from '../src/result.js';
import type { Accountant } from './contract.js';
import { formatInput, formatNumber } from '../src/numeric/format.js';

const LN_HALF = Math.log(0.5);
const SQRT1_2 = Math.SQRT1_2;

/** An exact figure with the float64 bracket it was found in (lower <= true value <= upper). */
export interface ExactFigure {
  readonly value: number;
  readonly kind: 'exact';
  readonly lower: number;
  readonly upper: number;
  readonly details: Readonly<Record<string, unknown>>;
}

/**
 * ln delta(eps) of the analytic Gaussian with noise s and sensitivity 1; -Infinity when delta underflows.
 *
 * With A = 1/(2s) - eps s and B = A - 1/s, B^2 - A^2 = 2 eps, so for A <= 0 both terms share the factor
 * exp(-A^2/2) and delta = exp(-A^2/2)/2 * [erfcx(-A/sqrt2) - erfcx(-B/sqrt2)]: no e^eps overflow and no
 * underflow of the two Phi's, only the (moderate, about 1/(1/2 + eps s^2)) cancellation between the erfcx terms.
 */
export function analyticGaussianLogDelta(o: { readonly noiseMultiplier: number; readonly epsilon: number }): number {
  const s = o.noiseMultiplier;
  const eps = o.epsilon;
  if (Number.isNaN(s) || Number.isNaN(eps)) throw new RangeError('analyticGaussianLogDelta: NaN input');
  // no noise (or so little that 1/s overflows): the two outputs are told apart with certainty, delta = 1
  if (!Number.isFinite(1 / s) && eps < Infinity) return 0;
  const a = 1 / (2 * s) - eps * s;
  const b = a - 1 / s;
  if (a <= 0) {
    const diff = erfcx(-a * SQRT1_2) - erfcx(-b * SQRT1_2);
    if (Number.isNaN(diff)) throw new RangeError(`analyticGaussianLogDelta: NaN at sigma = ${s}, eps = ${eps}`);
    if (!(diff > 0)) return -Infinity;
    return LN_HALF - 0.5 * a * a + Math.log(diff);
  }
  // A > 0: Phi(A) >= 1/2 and delta is not small (eps <= 1/(2 s^2)); plain form in double precision.
  const delta = normalCdf(a) - Math.exp(eps + normalLogCdf(b));
  // a NaN here must never read as "delta underflowed" (that certified eps = 0 for sigma 1e-155)
  if (Number.isNaN(delta)) throw new RangeError(`analyticGaussianLogDelta: NaN at sigma = ${s}, eps = ${eps}`);
  return delta > 0 ? Math.log(delta) : -Infinity;
}

/** delta(eps) of the analytic Gaussian (Balle & Wang 2018), sensitivity 1, noise `noiseMultiplier`. */
export function analyticGaussianDelta(o: { readonly noiseMultiplier: number; readonly epsilon: number }): number {
  return Math.exp(analyticGaussianLogDelta(o));
}

/**
 * Smallest eps >= 0 with delta(eps) <= delta, by bisection on the (strictly decreasing) log delta.
 * Returns the bracket: `upper` satisfies delta(upper) <= delta in float64, `lower` does not (or is 0).
 */
export function analyticGaussianEpsilon(o: { readonly noiseMultiplier: number; readonly delta: number }): {
  readonly value: number;
  readonly lower: number;
  readonly upper: number;
  readonly evaluations: number;
} {
  const s = o.noiseMultiplier;
  const meets = (epsilon: number) => meetsDelta(analyticGaussianLogDelta({ noiseMultiplier: s, epsilon }), o.delta);
  let evaluations = 1;
  if (meets(0)) return { value: 0, lower: 0, upper: 0, evaluations };
  let lo = 0;
  let hi = 1;
  // delta(eps) < exp(-eps^2 s^2 / 2 + ...) so doubling reaches the target in a few dozen steps for moderate s;
  // for tiny s (eps ~ 1/(2 s^2)) no float64 eps meets delta: +infinity is then the certified upper bound
  while (!meets(hi)) {
    evaluations++;
    lo = hi;
    hi *= 2;
    if (!Number.isFinite(hi)) return { value: Infinity, lower: lo, upper: Infinity, evaluations };
  }
  evaluations++;
  const b = bisect({ lo, hi, below: (epsilon) => !meets(epsilon), done: (l, h) => h - l <= 2 * Number.EPSILON * h, maxSteps: 400 });
  return { value: b.hi, lower: b.lo, upper: b.hi, evaluations: evaluations + b.steps };
}

/**
 * Smallest noise s with delta(eps; s) <= delta (delta decreases in s), by bisection in log s.
 * `upper` meets the target in float64 (sufficient noise), `lower` does not.
 */
export function analyticGaussianNoiseMultiplier(o: { readonly epsilon: number; readonly delta: number }): {
  readonly value: number;
  readonly lower: number;
  readonly upper: number;
} {
  const meets = (s: number) => meetsDelta(analyticGaussianLogDelta({ noiseMultiplier: s, epsilon: o.epsilon }), o.delta);
  let lo = 1;
  let hi = 1;
  if (meets(1)) {
    while (meets(lo)) {
      hi = lo;
      lo /= 2;
      if (lo < 1e-300)
        throw new AccountingError(
          `no noise multiplier meets delta = ${formatInput(o.delta)} at epsilon = ${formatInput(o.epsilon)}: every one down to ${formatNumber(lo)} does`,
        );
    }
  } else {
    while (!meets(hi)) {
      lo = hi;
      hi *= 2;
      if (hi > 1e300)
        throw new AccountingError(
          `no noise multiplier up to ${formatNumber(hi)} meets delta = ${formatInput(o.delta)} at epsilon = ${formatInput(o.epsilon)}`,
        );
    }
  }
  // bisection in log s: the geometric midpoint, or the arithmetic one where the geometric rounds onto an end
  const geometric = (l: number, h: number) => {
    const mid = Math.sqrt(l * h);
    return mid <= l || mid >= h ? 0.5 * (l + h) : mid;
  };
  const b = bisect({
    lo,
    hi,
    below: (s) => !meets(s),
    done: (l, h) => h - l <= 2 * Number.EPSILON * h,
    maxSteps: 400,
    midpoint: geometric,
  });
  return { value: b.hi, lower: b.lo, upper: b.hi };
}

/** Noise of the single Gaussian equivalent to E epochs of deterministic batches. */
export function deterministicEffectiveNoise(o: { readonly noiseMultiplier: number; readonly epochs: number }): number {
  return o.noiseMultiplier / Math.sqrt(o.epochs);
}

/** Exact delta at `epsilon` for E epochs of deterministic batches with noise multiplier sigma. */
export function deterministicDelta(o: {
  readonly noiseMultiplier: number;
  readonly epochs: number;
  readonly epsilon: number;
}): ExactFigure {
  checkNoise(o.noiseMultiplier);
  checkEpochs(o.epochs);
  checkEpsilon(o.epsilon);
  const s = deterministicEffectiveNoise(o);
  const value = analyticGaussianDelta({ noiseMultiplier: s, epsilon: o.epsilon });
  return {
    value,
    kind: 'exact',
    lower: value,
    upper: value,
    details: { effectiveNoiseMultiplier: s, formula: 'analytic Gaussian (Balle & Wang 2018) at sigma/sqrt(E)' },
  };
}

/** Exact epsilon at `delta` for E epochs of deterministic batches; `value` is the upper end of the bracket. */
export function deterministicEpsilon(o: {
  readonly noiseMultiplier: number;
  readonly epochs: number;
  readonly delta: number;
}): ExactFigure {
  checkNoise(o.noiseMultiplier);
  checkEpochs(o.epochs);
  checkDelta(o.delta);
  const s = deterministicEffectiveNoise(o);
  const r = analyticGaussianEpsilon({ noiseMultiplier: s, delta: o.delta });
  return {
    value: r.value,
    kind: 'exact',
    lower: r.lower,
    upper: r.upper,
    details: {
      effectiveNoiseMultiplier: s,
      formula: 'analytic Gaussian (Balle & Wang 2018) at sigma/sqrt(E), inverted by bisection',
      evaluations: r.evaluations,
    },
  };
}

/** Smallest noise multiplier meeting (epsilon, delta) over E epochs of deterministic batches (sufficient). */
export function deterministicNoiseMultiplier(o: {
  readonly epochs: number;
  readonly epsilon: number;
  readonly delta: number;
}): ExactFigure {
  checkEpochs(o.epochs);
  checkEpsilon(o.epsilon);
  checkDelta(o.delta);
  const r = analyticGaussianNoiseMultiplier(o);
  const scale = Math.sqrt(o.epochs);
  // rounding of the product may move it by an ulp; nudge up so the reported sigma still meets the target
  let value = r.upper * scale;
  while (!meetsDelta(analyticGaussianLogDelta({ noiseMultiplier: value / scale, epsilon: o.epsilon }), o.delta)) {
    value = value * (1 + 2 * Number.EPSILON);
  }
  return {
    value,
    kind: 'exact',
    lower: r.lower * scale,
    upper: value,
    details: { effectiveNoiseMultiplier: r.upper, formula: 'analytic Gaussian calibrated, times sqrt(E)' },
  };
}

/** delta <= target both as logs and as the float64 number a user would compare (avoids one-ulp surprises). */
function meetsDelta(logDelta: number, target: number): boolean {
  return logDelta <= Math.log(target) && Math.exp(logDelta) <= target;
}

function checkNoise(x: number): void {
  if (!(Number.isFinite(x) && x > 0)) throw new InputError('noiseMultiplier', 'a finite number > 0', x);
}
function checkEpochs(x: number): void {
  if (!(Number.isSafeInteger(x) && x >= 1)) throw new InputError('epochs', 'an integer >= 1', x);
}
function checkEpsilon(x: number): void {
  if (!(Number.isFinite(x) && x >= 0)) throw new InputError('epsilon', 'a finite number >= 0', x);
}
function checkDelta(x: number): void {
  if (!(x > 0 && x < 1)) throw new InputError('delta', 'a number in (0, 1)', x);
}

// ---------------------------------------------------------------------------------------------------------
// the accountant contract (accountants/contract.ts)

function exactFigure(f: ExactFigure): Figure {
  return {
    value: f.value,
    kind: 'exact',
    lower: f.lower,
    upper: f.upper,
    notes: ['Deterministic batches: exact (each example in exactly one batch per epoch; a Gaussian at sigma/sqrt(E)).'],
    details: { sampler: 'deterministic', ...f.details },
  };
}

/**
 * One stage of deterministic batches in closed form. Dispatch prefers the composing accountant the plan
 * names (pld composes the same Gaussians); this one gives the deterministic row of `compare`.
 */
export const deterministicAccountant: Accountant = {
  name: 'deterministic',
  compareAs: { sampler: 'deterministic' },
  supports(plan) {
    const s = gaussianBatchStage(plan, 'deterministic');
    return typeof s === 'string' ? s : true;
  },
  describe: (plan) => ({ name: 'deterministic', settings: { adjacency: plan.adjacency } }),
  account(plan, query) {
    const s = gaussianBatchStage(plan, 'deterministic');
    if (typeof s === 'string') throw new AccountingError(s);
    if (query.quantity === 'epsilon')
      return exactFigure(deterministicEpsilon({ noiseMultiplier: s.noiseMultiplier, epochs: s.epochs, delta: query.delta }));
    const delta = deterministicDelta({ noiseMultiplier: s.noiseMultiplier, epochs: s.epochs, epsilon: query.epsilon });
    // the Gaussian's delta is positive at every eps: where it underflows float64, the smallest double bounds it
    if (delta.value === 0) return { ...exactFigure(delta), value: Number.MIN_VALUE, kind: 'upper', lower: 0, upper: Number.MIN_VALUE };
    return exactFigure(delta);
  },
  calibrateNoise(plan, target) {
    const s = gaussianBatchStage(plan, 'deterministic');
    if (typeof s === 'string') throw new AccountingError(s);
    const exact = deterministicNoiseMultiplier({ epochs: s.epochs, epsilon: target.epsilon, delta: target.delta });
    // the safe (upper) end of the closed form's bracket; a sensitivity s (in clip norms) scales sigma by s
    return {
      value: gaussianSensitivity(plan) * Math.max(exact.value, exact.upper),
      guarantee: 'sufficient',
      evaluations: 0,
      notes: ['Deterministic batches: exact; this sigma meets (epsilon, delta) and any smaller one does not.'],
    };
  },
};
