/**
 * Standard normal distribution functions accurate in the far tails.
 *
 * erfc and erfcx come from stdlib (well-kept, tested to ~1 ulp); the log tails use erfcx so that
 * log Phi(-x) stays accurate for x up to 1e150 instead of underflowing near x = 38.
 */
import erfc from '@stdlib/math-base-special-erfc';
import erfcx from '@stdlib/math-base-special-erfcx';

// bound once: global Math lookups are slow in hot loops under some module loaders (jest's vm)
const { exp, log, sqrt } = Math;

const SQRT1_2 = Math.SQRT1_2;
const LN_HALF = log(0.5);

/** Phi(x) = P(Z <= x) for Z ~ N(0, 1). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x * SQRT1_2);
}

/** 1 - Phi(x) = P(Z > x), without cancellation for large x. */
export function normalSf(x: number): number {
  return 0.5 * erfc(x * SQRT1_2);
}

/** ln(1 - Phi(x)); accurate for all x (uses erfcx for x > 0). */
export function normalLogSf(x: number): number {
  // for x <= 0 the survival is 1 - Phi(-x): log1p keeps its tiny deficit (Phi(-x) = 1e-20 at x = -9.3)
  if (x <= 0) return Math.log1p(-normalSf(-x));
  const z = x * SQRT1_2;
  // erfc(z) = exp(-z^2) erfcx(z)
  return LN_HALF - z * z + log(erfcx(z));
}

/** ln Phi(x); accurate for all x. */
export function normalLogCdf(x: number): number {
  return normalLogSf(-x);
}

/** Standard normal density. */
export function normalPdf(x: number): number {
  return exp(-0.5 * x * x) / sqrt(2 * Math.PI);
}
