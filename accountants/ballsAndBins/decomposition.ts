/**
 * The decomposition fallback for balls-and-bins (`--method decomposition`): a certified upper bound through
 * Poisson subsampling, from Feldman & Shenfeld 2025 ("Privacy amplification by random allocation",
 * arXiv 2502.08202, the decomposition bound). One epoch only, as in the paper.
 *
 * Poisson subsampling at rate 1/T over the T steps of an epoch uses a unit at least once with probability
 * lambda = 1 - (1 - 1/T)^T, so its output law is P_pois = (1 - lambda) Q + lambda P', with Q the law without
 * the unit and P' Poisson conditioned on at least one use. FS25 show that random allocation (exactly one use)
 * is dominated by the pair (P', Q). Solving for P' turns hockey-stick divergences of (P', Q) into those of the
 * Poisson pair exactly (the identity behind advanced joint convexity, Balle et al. 2018):
 *   remove: H_{e^eps}(P' || Q) = H_{e^eps'}(P_pois || Q) / lambda,        e^eps' = 1 + lambda (e^eps - 1);
 *   add:    H_{e^eps}(Q || P') = H_{e^eps''}(Q || P_pois) (1 + e^eps (1 - lambda) / lambda),
 *                                                                          e^-eps'' = 1 - lambda (1 - e^-eps).
 * The Poisson deltas come from dpacct's certified PLD (accountants/pld.ts), so the results are certified upper
 * bounds. epsilon(delta) inverts the remove identity in closed form and bisects the add one.
 */
import { AccountingError } from '../../src/errors.js';
import type { GaussianBatchSetting } from '../../src/plan.js';
import { pldAccountant, type PldAccountant, type PldOptions } from '../pld.js';

const { exp, expm1, log, log1p, max, min } = Math;

export interface DecompositionFigure {
  /** the larger of the two directions */
  readonly upper: number;
  readonly remove: number;
  readonly add: number;
  /** lambda = 1 - (1 - 1/T)^T */
  readonly lambda: number;
}

export interface DecompositionBound {
  epsilon(delta: number): DecompositionFigure;
  delta(epsilon: number): DecompositionFigure;
}

/** Why the decomposition bound does not apply to the setting, or undefined when it does. */
export function decompositionProblem(s: GaussianBatchSetting): string | undefined {
  if (s.epochs !== 1)
    return (
      `the decomposition bound (Feldman & Shenfeld 2025) holds for one epoch, not ${s.epochs}: ` +
      'use accountant.method pld (the default) or rdp, which compose over epochs'
    );
  if (s.stepsPerEpoch < 2) return 'the decomposition bound needs at least 2 steps per epoch';
  return undefined;
}

/** ln(e^eps' ) with e^eps' = 1 + lambda (e^eps - 1), without overflow. */
function removeEpsilonPrime(eps: number, lambda: number): number {
  return eps < 1 ? log1p(lambda * expm1(eps)) : eps + log(lambda + (1 - lambda) * exp(-eps));
}

/** The inverse of removeEpsilonPrime: eps with 1 + lambda (e^eps - 1) = e^p. */
function removeEpsilonFromPrime(p: number, lambda: number): number {
  if (p === Infinity) return Infinity;
  return p < 1 ? log1p(expm1(p) / lambda) : p + log(1 / lambda + (1 - 1 / lambda) * exp(-p));
}

/** eps'' with e^-eps'' = 1 - lambda (1 - e^-eps). */
function addEpsilonPrime(eps: number, lambda: number): number {
  return -log1p(lambda * expm1(-eps));
}

export function decompositionBound(s: GaussianBatchSetting, options: PldOptions): DecompositionBound {
  const problem = decompositionProblem(s);
  if (problem) throw new AccountingError(problem);
  const T = s.stepsPerEpoch;
  const lambda = -expm1(T * log1p(-1 / T));
  const poisson: PldAccountant = pldAccountant(
    [{ mechanism: { kind: 'gaussian', noiseMultiplier: s.noiseMultiplier }, poissonRate: 1 / T, steps: T }],
    {
      ...options,
      adjacency: 'add-remove',
    },
  );
  const removeDelta = (eps: number) => min(1, poisson.delta(removeEpsilonPrime(eps, lambda)).remove.upper / lambda);
  const addDelta = (eps: number) => {
    const d = poisson.delta(addEpsilonPrime(eps, lambda)).add.upper;
    if (d <= 0) return 0;
    // ln(1 + e^eps (1 - lambda) / lambda), without overflow
    const logFactor = eps + log(exp(-eps) + (1 - lambda) / lambda);
    return min(1, exp(log(d) + logFactor));
  };
  const addEpsilon = (delta: number): number => {
    if (addDelta(0) <= delta) return 0;
    let lo = 0;
    let hi = 1;
    while (addDelta(hi) > delta) {
      lo = hi;
      hi *= 2;
      if (hi > 1e3) return Infinity;
    }
    // bisection keeps addDelta(hi) <= delta: hi is a certified epsilon whatever the shape of the bound
    for (let i = 0; i < 60 && hi - lo > 1e-6 * hi; i++) {
      const mid = (lo + hi) / 2;
      if (addDelta(mid) <= delta) hi = mid;
      else lo = mid;
    }
    return hi;
  };
  return {
    delta(epsilon) {
      const remove = removeDelta(epsilon);
      const add = addDelta(epsilon);
      return { upper: max(remove, add), remove, add, lambda };
    },
    epsilon(delta) {
      const remove = removeEpsilonFromPrime(poisson.epsilon(lambda * delta).remove.upper, lambda);
      const add = addEpsilon(delta);
      return { upper: max(remove, add), remove, add, lambda };
    },
  };
}
