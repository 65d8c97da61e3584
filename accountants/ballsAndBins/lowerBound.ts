/**
 * Certified lower bounds for balls-and-bins from the max-statistic construction with means (1, 0)
 * (src/pld/maxStatistic.ts; BNB Sec. 4): one epoch by the threshold search, several epochs by composing the
 * sliced statistic (built once per accountant and reused for every query).
 */
import {
  composeMaxStatistic,
  maxStatisticDeltaLowerBound,
  maxStatisticEpsilonLowerBound,
  type ComposedMaxStatistic,
} from '../../src/pld/maxStatistic.js';

export interface BallsAndBinsLowerBounds {
  /** certified lower bound on delta(eps) (max over both directions) */
  delta(epsilon: number): number;
  /** certified lower bound on eps(delta) (0 when uninformative) */
  epsilon(delta: number): number;
}

export function ballsAndBinsLowerBounds(o: {
  readonly noiseMultiplier: number;
  readonly steps: number;
  readonly epochs: number;
}): BallsAndBinsLowerBounds {
  const pair = { meanUpper: 1, meanLower: 0, noiseMultiplier: o.noiseMultiplier, steps: o.steps };
  if (o.epochs === 1) {
    return {
      delta: (epsilon) => maxStatisticDeltaLowerBound({ ...pair, epsilon }).value,
      epsilon: (delta) => maxStatisticEpsilonLowerBound({ ...pair, delta }).value,
    };
  }
  let composed: ComposedMaxStatistic | undefined;
  const get = () => (composed ??= composeMaxStatistic({ ...pair, epochs: o.epochs }));
  return {
    delta: (epsilon) => get().deltaLowerBound(epsilon).value,
    epsilon: (delta) => get().epsilonLowerBound(delta).value,
  };
}

/** Certified lower bounds on delta(eps), one per eps (same order). */
export function ballsAndBinsDeltaLowerBounds(o: {
  readonly noiseMultiplier: number;
  readonly steps: number;
  readonly epochs: number;
  readonly epsilons: readonly number[];
}): number[] {
  const bounds = ballsAndBinsLowerBounds(o);
  return o.epsilons.map((e) => bounds.delta(e));
}

/** Certified lower bound on eps(delta) (0 when uninformative). */
export function ballsAndBinsEpsilonLowerBound(o: {
  readonly noiseMultiplier: number;
  readonly steps: number;
  readonly epochs: number;
  readonly delta: number;
}): number {
  return ballsAndBinsLowerBounds(o).epsilon(o.delta);
}
