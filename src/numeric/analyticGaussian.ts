/**
 * The Gaussian mechanism in closed form (Balle & Wang 2018, Theorem 8): with noise sigma on a query of
 * sensitivity 1, delta(eps) = Phi(1/(2 sigma) - eps sigma) - e^eps Phi(-1/(2 sigma) - eps sigma).
 * k-fold composition is the same with sigma / sqrt(k).
 */
import { normalLogCdf } from './normal.js';

// bound once: global Math lookups are slow in hot loops under some module loaders (jest's vm)
const { exp, expm1 } = Math;

/** delta(eps) of the Gaussian mechanism with noise sigma (sensitivity 1), accurate to ~1e-13 relative. */
export function gaussianDelta(sigma: number, epsilon: number): number {
  const a = 1 / (2 * sigma);
  const b = epsilon * sigma;
  const logFirst = normalLogCdf(a - b);
  const logSecond = epsilon + normalLogCdf(-a - b);
  // delta = first * (1 - second/first); both logs are accurate, so the ratio is too
  if (logSecond >= logFirst) return 0;
  return exp(logFirst) * -expm1(logSecond - logFirst);
}

/**
 * The smallest eps >= 0 with gaussianDelta(sigma, eps) <= delta, to ~1e-14 relative: bracket, then
 * bisection on the monotone delta(eps) (Newton is not needed at these costs).
 */
export function gaussianEpsilon(sigma: number, delta: number): number {
  if (gaussianDelta(sigma, 0) <= delta) return 0;
  let lo = 0;
  let hi = 1;
  while (gaussianDelta(sigma, hi) > delta) {
    lo = hi;
    hi *= 2;
    if (hi > 1e300) return Infinity;
  }
  for (let i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (gaussianDelta(sigma, mid) > delta) lo = mid;
    else hi = mid;
  }
  // hi always satisfies delta(hi) <= delta: the one-sided (upper) end
  return hi;
}
