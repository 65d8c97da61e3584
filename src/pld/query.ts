/**
 * delta(eps) and eps(delta) of a PLD on a grid.
 * delta(eps) = sum over losses l > eps of m_l (1 - e^(eps - l)) + m_inf: continuous, nonincreasing, convex
 * in e^eps. Both queries use recurrences whose terms are all nonnegative, so no cancellation.
 */
import type { GridPmf } from './grid.js';

// bound once: global Math lookups are slow in hot loops under some module loaders (jest's vm)
const { exp, expm1, log, max, min } = Math;

/** delta(eps) of the PMF (exact for the PMF; float64 rounding aside). */
export function deltaForEpsilon(pmf: GridPmf, epsilon: number): number {
  const { interval: h, offset, masses } = pmf;
  let sum = 0;
  for (let i = masses.length - 1; i >= 0; i--) {
    const l = (offset + i) * h;
    if (l <= epsilon) break;
    const m = masses[i];
    if (m > 0) sum += m * -expm1(epsilon - l);
  }
  return min(1, sum + pmf.infinityMass);
}

/**
 * The smallest eps >= 0 with delta(eps) <= delta; Infinity when the mass at +infinity already exceeds delta.
 * Scans grid points from the top with D_j = delta(l_j) - m_inf = e^(-h) D_{j+1} + (1 - e^(-h)) A_j, where
 * A_j is the mass above l_j, then solves exactly inside the cell where delta crosses.
 */
export function epsilonForDelta(pmf: GridPmf, delta: number): number {
  if (pmf.infinityMass > delta) return Infinity;
  const { interval: h, offset, masses } = pmf;
  const target = delta - pmf.infinityMass;
  const decay = exp(-h);
  const oneMinusDecay = -expm1(-h);
  // at l_top: nothing above, D = 0 <= target
  let above = 0; // mass strictly above the current grid point
  let d = 0; // D at the current grid point
  let weighted = 0; // sum over atoms strictly above the current point of m e^(l_cur - l)
  for (let i = masses.length - 1; i > 0; i--) {
    // move from point i to point i - 1
    const m = masses[i];
    const aboveNext = above + m;
    const dNext = decay * d + oneMinusDecay * aboveNext;
    if (dNext > target) {
      // delta crosses inside (l_{i-1}, l_i]: delta(eps) - m_inf = aboveNext - e^(eps - l_i) * C
      // with C = sum over atoms >= l_i of m e^(l_i - l) = m + weighted
      const c = m + weighted;
      const eps = (offset + i) * h + log((aboveNext - target) / c);
      return max(0, eps);
    }
    weighted = decay * (m + weighted);
    above = aboveNext;
    d = dNext;
  }
  // delta(l_0) <= target: below the grid delta(eps) = A - e^(eps - l_0) C with all atoms above
  const m0 = masses[0];
  const total = above + m0;
  const c = m0 + weighted;
  if (total <= target || c <= 0) return 0;
  const eps = offset * h + log((total - target) / c);
  return max(0, eps);
}
