/**
 * Certified lower bounds for balls-and-bins from the max-statistic construction with means (1, 0)
 * (accountants/maxStatistic.ts; BNB Sec. 4): one epoch by the threshold search, several epochs by composing the
 * sliced statistic.
 */
import { composeMaxStatistic, maxStatisticDeltaLowerBound, maxStatisticEpsilonLowerBound } from '../maxStatistic.js';

interface Setting {
  readonly noiseMultiplier: number;
  readonly steps: number;
  readonly epochs: number;
}

function pair(o: Setting) {
  return { meanUpper: 1, meanLower: 0, noiseMultiplier: o.noiseMultiplier, steps: o.steps };
}

/** Certified lower bounds on delta(eps), one per eps (same order). */
export function ballsAndBinsDeltaLowerBounds(o: Setting & { readonly epsilons: readonly number[] }): number[] {
  if (o.epochs === 1) return o.epsilons.map((epsilon) => maxStatisticDeltaLowerBound({ ...pair(o), epsilon }).value);
  const composed = composeMaxStatistic({ ...pair(o), epochs: o.epochs });
  return o.epsilons.map((epsilon) => composed.deltaLowerBound(epsilon).value);
}

/** Certified lower bound on eps(delta) (0 when uninformative). */
export function ballsAndBinsEpsilonLowerBound(o: Setting & { readonly delta: number }): number {
  if (o.epochs === 1) return maxStatisticEpsilonLowerBound({ ...pair(o), delta: o.delta }).value;
  return composeMaxStatistic({ ...pair(o), epochs: o.epochs }).epsilonLowerBound(o.delta).value;
}
